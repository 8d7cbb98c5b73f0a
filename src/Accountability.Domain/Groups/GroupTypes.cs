namespace Accountability.Domain.Groups;

// Enum values are stored in events: never renumber.

public enum GroupRole
{
    Member = 0,
    CoCoach = 1,
    Coach = 2,
}

public enum MembershipStatus
{
    Active = 0,
    Left = 1,
    Removed = 2,
}

/// <summary>
/// How much of each member's individual numbers the rest of the group sees (CoachAccountable's ladder,
/// born from a weight-loss group that did not want weights shown to 100 people). Coaches, partners
/// (as goal visibility allows) and the member always see their own numbers.
/// </summary>
public enum NumbersVisibility
{
    /// <summary>Others see neither individual numbers nor group aggregates.</summary>
    Hidden = 0,

    /// <summary>Others see done / not done and group aggregates, not individual values.</summary>
    AggregateOnly = 1,

    /// <summary>Others see individual values too.</summary>
    Individual = 2,
}

public enum PartnershipEndReason
{
    EndedByMember = 0,
    EndedByCoach = 1,
    MemberLeft = 2,
    MemberRemoved = 3,
}

/// <summary>A question every check-in in the group may answer.</summary>
public sealed record CheckInPrompt(Guid PromptId, string Text);
