using Accountability.Api.Features.Access.Commands;
using Accountability.Domain.Groups;

namespace Accountability.Api.Features.Groups;

public sealed record PromptResponse(Guid PromptId, string Text);

public sealed record LeaderboardRuleResponse(int Version, string Basis, int MinimumDue);

/// <summary>
/// A cohort's settings as its members see them. <c>inviteCode</c> (shown as ABCD-EFGH) only to the coach and
/// co-coaches. <c>version</c> is the group's ETag for If-Match.
/// </summary>
public sealed record GroupResponse(
    Guid GroupId,
    string Name,
    string Description,
    string TimeZoneId,
    int GraceMinutes,
    string NumbersVisibility,
    IReadOnlyList<PromptResponse> Prompts,
    LeaderboardRuleResponse LeaderboardRule,
    Guid CoachId,
    string YourRole,
    string? InviteCode,
    DateTimeOffset? InviteExpiresAt,
    DateTimeOffset CreatedAt,
    long Version)
{
    public static GroupResponse From(Group group, Guid viewerId, long version)
    {
        ArgumentNullException.ThrowIfNull(group);
        var role = group.MembershipOf(viewerId) is { IsActive: true } membership ? membership.Role : GroupRole.Member;
        var staff = group.IsStaff(viewerId);
        return new GroupResponse(
            group.Id,
            group.Name,
            group.Description,
            group.TimeZoneId,
            group.GraceMinutes,
            WireNames.NumbersVisibility.Name(group.NumbersVisibility),
            group.Prompts.Select(p => new PromptResponse(p.PromptId, p.Text)).ToList(),
            new LeaderboardRuleResponse(group.LeaderboardRule.Version, WireNames.LeaderboardBasis.Name(group.LeaderboardRule.Basis), group.LeaderboardRule.MinimumDue),
            group.CoachId,
            WireNames.Role.Name(role),
            staff && group.Invite is { } invite ? InviteCodes.Display(invite.Code) : null,
            staff ? group.Invite?.ExpiresAt : null,
            group.CreatedAt,
            version);
    }
}
