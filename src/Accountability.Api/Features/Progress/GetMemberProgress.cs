using Accountability.Api.Features.Access;
using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Api.Identity;
using Accountability.Api.Infrastructure.Http.Problems;
using GroupRole = Accountability.Domain.Groups.GroupRole;
using FluentValidation;
using MediatR;

namespace Accountability.Api.Features.Progress;

/// <summary>GET /api/v1/groups/{groupId}/members/{memberId}/progress[?asOf=yyyy-MM-dd].</summary>
public sealed record GetMemberProgress(Guid GroupId, Guid MemberId, DateOnly? AsOf) : IRequest<MemberProgressResponse>;

internal sealed class GetMemberProgressValidator : AbstractValidator<GetMemberProgress>
{
    public GetMemberProgressValidator() => RuleFor(r => r.AsOf).Must(ProgressDates.Plausible).WithMessage(ProgressDates.PlausibleMessage);
}

/// <summary>
/// Every goal of the member in the group that the caller may see, each at the access the domain's visibility rule
/// gives the caller. The member's day (and so their time zone) is shown to themself, their partners and staff.
/// </summary>
internal sealed class GetMemberProgressHandler(CohortReader reader, Membership membership, CurrentUser user, TimeProvider time)
    : IRequestHandler<GetMemberProgress, MemberProgressResponse>
{
    public async Task<MemberProgressResponse> Handle(GetMemberProgress request, CancellationToken cancellationToken)
    {
        var viewer = user.MemberId;
        if (!await membership.IsOnRosterAsync(request.GroupId, request.MemberId, cancellationToken))
        {
            throw ProblemException.NotFound();
        }

        var now = time.GetUtcNow();
        var member = await reader.MemberAsync(request.GroupId, request.MemberId, cancellationToken);
        if (member is null)
        {
            // On the roster but not projected yet: nothing to show so far.
            return new MemberProgressResponse(request.GroupId, request.MemberId, now, request.AsOf, null, []);
        }

        var role = await membership.RoleInAsync(request.GroupId, viewer, cancellationToken);
        var close = viewer == request.MemberId
            || role is GroupRole.Coach or GroupRole.CoCoach
            || (await membership.PartnersOfAsync(request.GroupId, viewer, cancellationToken)).Contains(request.MemberId);

        var goals = new List<GoalProgressResponse>();
        LocalDayResponse? today = null;
        foreach (var goal in member.Goals.OrderBy(g => g.SetAt).ThenBy(g => g.Id))
        {
            var access = await membership.GoalAccessForAsync(viewer, goal.Id, cancellationToken);
            if (access == Domain.Feed.Access.None)
            {
                continue;
            }

            var (_, progress, day) = ProgressDates.Compute(new GoalInputs(goal, member.Group, member.Person), request.AsOf, now);
            goals.Add(ProgressWire.Response(goal, progress, day, access, request.AsOf));
        }

        if (close)
        {
            var clock = member.Clock.AsOf(now);
            if (request.AsOf is { } date && date > clock.Today(now))
            {
                throw ProblemException.Invalid("asOf", $"The member's today is {clock.Today(now):yyyy-MM-dd}; progress cannot be shown as of a later date.");
            }

            today = LocalDayResponse.From(request.AsOf is { } asOf ? clock.Describe(asOf, now) : clock.CurrentDay(now));
        }

        return new MemberProgressResponse(request.GroupId, request.MemberId, now, request.AsOf, today, goals);
    }
}
