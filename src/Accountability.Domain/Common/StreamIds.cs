namespace Accountability.Domain.Common;

/// <summary>The three stream families and their ids. Ids are lower-case "D" GUIDs so they compare as plain strings.</summary>
public static class StreamIds
{
    public const string GroupPrefix = "group-";
    public const string GoalPrefix = "goal-";
    public const string MemberPrefix = "member-";

    /// <summary>A cohort: settings, roster, roles, invite code, partner pairs, moderation.</summary>
    public static string Group(Guid groupId) => GroupPrefix + Format(groupId);

    /// <summary>One member's goal with its revisions, check-ins, corrections and wins.</summary>
    public static string Goal(Guid goalId) => GoalPrefix + Format(goalId);

    /// <summary>One person's own facts (time zone, pauses) and social acts (kudos, comments, nudges, reports, partner requests).</summary>
    public static string Member(Guid memberId) => MemberPrefix + Format(memberId);

    /// <summary>Splits a stream id into its family prefix (without the dash) and GUID.</summary>
    public static bool TryParse(string? streamId, out string family, out Guid id)
    {
        family = string.Empty;
        id = Guid.Empty;
        if (streamId is null)
        {
            return false;
        }

        foreach (var prefix in new[] { GroupPrefix, GoalPrefix, MemberPrefix })
        {
            if (streamId.StartsWith(prefix, StringComparison.Ordinal)
                && Guid.TryParseExact(streamId.AsSpan(prefix.Length), "D", out id))
            {
                family = prefix[..^1];
                return true;
            }
        }

        return false;
    }

    private static string Format(Guid id) => id.ToString("D");
}
