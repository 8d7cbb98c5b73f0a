using Accountability.Domain.Common;
using Accountability.Domain.Time;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Groups;

/// <summary>Checks shared by every decision that acts inside a group.</summary>
internal static class GroupRules
{
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 2000;
    public const int MaxPrompts = 10;
    public const int PromptMaxLength = 200;
    public const int ReasonMaxLength = 500;

    public static Group Require(Group? state) =>
        state ?? throw Refuse.NotFound(GroupNotFound, "Group not found", "There is no such group, or you are not in it.");

    /// <summary>The actor must be an active member: removed members can do nothing in the group.</summary>
    public static Membership RequireActiveMember(Group group, Guid actor)
    {
        var membership = group.MembershipOf(actor);
        return membership switch
        {
            null => throw Refuse.Forbidden(GroupNotAMember, "Not a member", "You are not a member of this group."),
            { Status: MembershipStatus.Removed } => throw Refuse.Forbidden(GroupMemberRemoved, "Removed from the group", "You were removed from this group and can no longer act in it."),
            { Status: MembershipStatus.Left } => throw Refuse.Forbidden(GroupNotAMember, "Not a member", "You left this group; join again with an invite code to take part."),
            _ => membership,
        };
    }

    public static Membership RequireStaff(Group group, Guid actor)
    {
        var membership = RequireActiveMember(group, actor);
        return membership.IsStaff
            ? membership
            : throw Refuse.Forbidden(GroupRequiresStaff, "Coaches only", "Only the coach or a co-coach can do this.");
    }

    public static Membership RequireCoach(Group group, Guid actor)
    {
        var membership = RequireActiveMember(group, actor);
        return membership.Role == GroupRole.Coach
            ? membership
            : throw Refuse.Forbidden(GroupRequiresCoach, "Coach only", "Only the group's coach can do this.");
    }

    public static Membership RequireTarget(Group group, Guid memberId) =>
        group.MembershipOf(memberId)
        ?? throw Refuse.NotFound(GroupMemberNotFound, "Member not found", "That person is not in this group.");

    /// <summary>
    /// Staff may act on members; only the coach may act on a co-coach; nobody acts on the coach or on themselves.
    /// </summary>
    public static void RequireCanModerate(Membership actor, Membership target)
    {
        if (actor.MemberId == target.MemberId)
        {
            throw Refuse.Validation(GroupCannotTargetSelf, "Not on yourself", "You cannot do this to yourself.", "memberId");
        }

        if (target.Role == GroupRole.Coach)
        {
            throw Refuse.Forbidden(GroupCannotModerateCoach, "Not on the coach", "Nobody can do this to the group's coach.");
        }

        if (target.Role == GroupRole.CoCoach && actor.Role != GroupRole.Coach)
        {
            throw Refuse.Forbidden(GroupOnlyCoachModeratesCoCoach, "Coach only", "Only the coach can do this to a co-coach.");
        }
    }

    public static string RequireReason(string? reason, string field = "reason")
    {
        var errors = new FieldErrors();
        var trimmed = errors.Required(reason, field, ReasonMaxLength, ModerationReasonRequired, ModerationReasonTooLong, "Reason");
        errors.ThrowIfAny();
        return trimmed;
    }

    public static string ValidateName(FieldErrors errors, string? name) =>
        errors.Required(name, "name", NameMaxLength, GroupNameRequired, GroupNameTooLong, "Name");

    public static string ValidateDescription(FieldErrors errors, string? description) =>
        errors.Optional(description, "description", DescriptionMaxLength, GroupDescriptionTooLong, "Description") ?? string.Empty;

    public static void ValidateTimeZone(FieldErrors errors, string? timeZoneId, string code = GroupTimeZoneUnknown, string field = "timeZoneId")
    {
        if (!TimeZones.IsKnown(timeZoneId))
        {
            errors.Add(code, "Unknown time zone", $"'{timeZoneId}' is not an IANA time zone id such as 'Europe/London' or 'Pacific/Auckland'.", field);
        }
    }

    public static IReadOnlyList<CheckInPrompt> ValidatePrompts(FieldErrors errors, IReadOnlyList<CheckInPrompt>? prompts)
    {
        if (prompts is null)
        {
            return [];
        }

        if (prompts.Count > MaxPrompts)
        {
            errors.Add(GroupTooManyPrompts, "Too many prompts", $"A group can ask at most {MaxPrompts} check-in questions; {prompts.Count} were given.", "prompts");
        }

        var seen = new HashSet<Guid>();
        var result = new List<CheckInPrompt>();
        for (var i = 0; i < prompts.Count; i++)
        {
            var prompt = prompts[i];
            if (prompt is null || prompt.PromptId == Guid.Empty || !seen.Add(prompt.PromptId))
            {
                errors.Add(GroupPromptIdInvalid, "Prompt id invalid", "Each prompt needs its own non-empty id.", $"prompts[{i}].promptId");
                continue;
            }

            var text = errors.Required(prompt.Text, $"prompts[{i}].text", PromptMaxLength, GroupPromptTextRequired, GroupPromptTooLong, "Prompt text");
            result.Add(prompt with { Text = text });
        }

        return result;
    }

    public static void ValidateGrace(FieldErrors errors, int graceMinutes)
    {
        if (graceMinutes is < 0 or > GraceRules.MaxMinutes)
        {
            errors.Add(GroupGraceOutOfRange, "Grace out of range", $"The grace after local midnight must be between 0 and {GraceRules.MaxMinutes} minutes; {graceMinutes} was given.", "graceMinutes");
        }
    }

    public static void ValidateNumbersVisibility(FieldErrors errors, NumbersVisibility visibility)
    {
        if (!Enum.IsDefined(visibility))
        {
            errors.Add(GroupNumbersVisibilityUnknown, "Unknown visibility level", $"'{visibility}' is not a numbers visibility level.", "numbersVisibility");
        }
    }
}
