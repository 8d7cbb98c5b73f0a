using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Progress;
using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Api.Identity;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Domain.Progress;
using AutoMapper;
using MediatR;

namespace Accountability.Api.Features.PartnerView;

/// <summary>GET /api/v1/groups/{groupId}/partners/{memberId}/view.</summary>
public sealed record GetPartnerView(Guid GroupId, Guid MemberId) : IRequest<PartnerViewResponse>;

/// <summary>
/// What an accountability partner sees of the other: the goals shared with partners (never coach-only ones), each
/// with its streaks, 7-day consistency and the last 14 days of check-ins as written, the member's day (so "today"
/// is theirs), and the pair streak of the two (days both checked in), with the day at risk and until when it can
/// still be saved. The member themself and the group's staff may look too (without a pair streak).
/// </summary>
public sealed record PartnerViewResponse(
    Guid GroupId,
    Guid MemberId,
    string? DisplayName,
    DateTimeOffset AsOf,
    LocalDayResponse Today,
    PairStreakResponse? PairStreak,
    IReadOnlyList<PartnerGoalResponse> Goals);

public sealed record PairStreakResponse(Guid PairId, int Current, int Best, DateOnly? Since, DateOnly? AtRiskDate, DateTimeOffset? SaveBy, Guid? WaitingFor);

public sealed record PartnerGoalResponse(
    Guid GoalId,
    string Title,
    string Status,
    string Visibility,
    StreakResponse CurrentStreak,
    StreakResponse BestStreak,
    ConsistencyResponse Consistency7,
    IReadOnlyList<PartnerCheckInResponse> RecentCheckIns);

public sealed record PartnerCheckInResponse(Guid CheckInId, DateOnly Date, bool Done, decimal? Value, string? Note, int? Mood, bool Stuck, DateTimeOffset PostedAt, DateTimeOffset? AmendedAt);

internal sealed class GetPartnerViewHandler(CohortReader reader, Membership membership, MemberNames names, CurrentUser user, TimeProvider time, IMapper mapper)
    : IRequestHandler<GetPartnerView, PartnerViewResponse>
{
    /// <summary>How many days of check-ins a partner sees.</summary>
    public const int RecentDays = 14;

    public async Task<PartnerViewResponse> Handle(GetPartnerView request, CancellationToken cancellationToken)
    {
        var viewer = user.MemberId;
        var now = time.GetUtcNow();
        var member = await reader.MemberAsync(request.GroupId, request.MemberId, cancellationToken)
            ?? throw ProblemException.NotFound();
        var clock = member.Clock.AsOf(now);
        var today = clock.Today(now);

        // Goal by goal, as the domain's visibility rule allows this viewer (partners: group and partners-and-coach goals).
        var visible = new List<(Domain.Goals.Goal Goal, GoalProgress Progress)>();
        foreach (var goal in member.Goals.OrderBy(g => g.SetAt).ThenBy(g => g.Id))
        {
            if (await membership.GoalAccessForAsync(viewer, goal.Id, cancellationToken) == Domain.Feed.Access.Full)
            {
                visible.Add((goal, ProgressCalculator.Compute(goal, member.Clock, member.Pauses, now)));
            }
        }

        var checkIns = await reader.CheckInsSinceAsync(visible.Select(v => v.Goal.Id).ToList(), today.AddDays(-(RecentDays - 1)), cancellationToken);
        var pair = viewer == request.MemberId ? null : await reader.PairAsync(request.GroupId, viewer, request.MemberId, now, cancellationToken);
        var displayName = await names.DisplayNameAsync(request.MemberId, cancellationToken);
        return new PartnerViewResponse(
            request.GroupId,
            request.MemberId,
            displayName,
            now,
            LocalDayResponse.From(clock.CurrentDay(now)),
            pair is null ? null : new PairStreakResponse(pair.PairId, pair.Figures.Current, pair.Figures.Best, pair.Figures.CurrentSince, pair.Figures.AtRiskDate, pair.Figures.SaveBy, pair.Figures.WaitingFor),
            visible.Select(v => new PartnerGoalResponse(
                    v.Goal.Id,
                    v.Goal.Title,
                    WireNames.GoalStatus.Name(v.Goal.Status),
                    WireNames.GoalVisibility.Name(v.Goal.Visibility),
                    StreakResponse.From(v.Progress.Current, v.Progress.Unit),
                    StreakResponse.From(v.Progress.Best, v.Progress.Unit),
                    ConsistencyResponse.From(v.Progress.Last7),
                    checkIns.Where(c => c.GoalId == v.Goal.Id).Select(mapper.Map<PartnerCheckInResponse>).ToList()))
                .ToList());
    }
}

internal sealed class PartnerViewProfile : Profile
{
    public PartnerViewProfile() => CreateMap<CheckInRow, PartnerCheckInResponse>();
}

/// <summary><c>/api/v1/groups/{groupId}/partners/{memberId}/view</c>: a partner's goals, recent check-ins and your pair streak.</summary>
public static class PartnerViewApi
{
    public static WebApplication MapPartnerViewApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGroup("/api/v1/groups").WithTags("Partner view")
            .MapGet("/{groupId:guid}/partners/{memberId:guid}/view", async (Guid groupId, Guid memberId, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetPartnerView(groupId, memberId), ct)))
            .RequireAccess(AccessRules.PartnerOrSelf)
            .WithName("GetPartnerView")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
