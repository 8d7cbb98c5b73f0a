using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Progress;
using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Domain.CoachViews;
using Accountability.Domain.Groups;
using AutoMapper;
using MediatR;

namespace Accountability.Api.Features.CoachViews;

/// <summary>GET /api/v1/groups/{groupId}/coach/dashboard.</summary>
public sealed record GetCoachDashboard(Guid GroupId) : IRequest<CoachDashboardResponse>;

/// <summary>GET /api/v1/groups/{groupId}/coach/queue.</summary>
public sealed record GetCoachQueue(Guid GroupId) : IRequest<CoachQueueResponse>;

/// <summary>
/// The coach's views, from the cohort read model in one round trip (plus display names): each member's figures at
/// this instant and each pair's streak, as the domain computed them. The queue is built by the domain's
/// <see cref="CoachQueue.Build"/> (paused members are never flagged; most severe first, then longest waiting);
/// pair health by <see cref="PairHealth.Classify"/>.
/// </summary>
internal sealed class CoachViewHandlers(CohortReader reader, MemberNames names, TimeProvider time, IMapper mapper)
    : IRequestHandler<GetCoachDashboard, CoachDashboardResponse>, IRequestHandler<GetCoachQueue, CoachQueueResponse>
{
    public async Task<CoachDashboardResponse> Handle(GetCoachDashboard request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cohort = await reader.CohortAsync(request.GroupId, now, withPairs: true, cancellationToken);
        if (cohort is null)
        {
            return new CoachDashboardResponse(request.GroupId, now, [], []);
        }

        var members = cohort.Members.Where(m => m.Role == GroupRole.Member).ToList();
        var displayNames = await names.DisplayNamesAsync(members.Select(m => m.MemberId).ToList(), cancellationToken);
        var byId = cohort.Members.ToDictionary(m => m.MemberId);
        var pairs = cohort.Pairs
            .Where(p => byId.ContainsKey(p.FirstMemberId) && byId.ContainsKey(p.SecondMemberId))
            .ToList();

        var memberResponses = members.Select(m => new DashboardMemberResponse(
                m.MemberId,
                displayNames.GetValueOrDefault(m.MemberId),
                m.JoinedAt,
                m.Figures.Paused,
                m.Figures.Today,
                m.Figures.LastCheckInAt,
                ConsistencyResponse.From(m.Figures.Last7),
                ConsistencyResponse.From(m.Figures.Last28),
                m.Figures.Goals.Select(mapper.Map<DashboardGoalResponse>).ToList(),
                m.Figures.Queue.OpenStuckCheckInId is { } stuckId && m.Figures.Queue.OpenStuckSince is { } since ? new OpenStuckRequestResponse(stuckId, since) : null,
                mapper.Map<NudgeCountsResponse>(m.Nudges),
                pairs.Where(p => p.FirstMemberId == m.MemberId || p.SecondMemberId == m.MemberId)
                    .Select(p => p.FirstMemberId == m.MemberId ? p.SecondMemberId : p.FirstMemberId)
                    .ToList()))
            .ToList();

        var pairResponses = pairs.Select(p =>
            {
                var first = byId[p.FirstMemberId].Figures;
                var second = byId[p.SecondMemberId].Figures;
                var health = PairHealth.Classify(
                    new PairHealthInput(p.PairId, p.PairedAt, p.Figures.ToStreak(), first.Last14, second.Last14, p.LastInteractionAt, first.Paused, second.Paused),
                    now);
                return new PairHealthResponse(
                    p.PairId,
                    p.FirstMemberId,
                    p.SecondMemberId,
                    p.PairedAt,
                    CoachViewWire.Health(health.Status),
                    health.Reasons,
                    p.Figures.Current,
                    p.Figures.Best,
                    p.Figures.AtRiskDate,
                    p.Figures.SaveBy,
                    p.LastInteractionAt);
            })
            .ToList();
        return new CoachDashboardResponse(request.GroupId, now, memberResponses, pairResponses);
    }

    public async Task<CoachQueueResponse> Handle(GetCoachQueue request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cohort = await reader.CohortAsync(request.GroupId, now, withPairs: false, cancellationToken, withGoals: false);
        if (cohort is null)
        {
            return new CoachQueueResponse(request.GroupId, now, []);
        }

        var queue = CoachQueue.Build(cohort.Members.Where(m => m.Role == GroupRole.Member).Select(m => m.Figures.Queue), now);
        var displayNames = await names.DisplayNamesAsync(queue.Select(e => e.MemberId).ToList(), cancellationToken);
        return new CoachQueueResponse(
            request.GroupId,
            now,
            queue.Select(e => mapper.Map<QueueEntryResponse>(e) with { DisplayName = displayNames.GetValueOrDefault(e.MemberId) }).ToList());
    }
}

/// <summary>Cohort read-model figures to coach-view responses.</summary>
internal sealed class CoachViewProfile : Profile
{
    public CoachViewProfile()
    {
        CreateMap<GoalFigures, DashboardGoalResponse>()
            .ForCtorParam(nameof(DashboardGoalResponse.Title), o => o.MapFrom(s => s.Title))
            .ForCtorParam(nameof(DashboardGoalResponse.Status), o => o.MapFrom(s => WireNames.GoalStatus.Name(s.Status)))
            .ForCtorParam(nameof(DashboardGoalResponse.Visibility), o => o.MapFrom(s => WireNames.GoalVisibility.Name(s.Visibility)))
            .ForCtorParam(nameof(DashboardGoalResponse.Unit), o => o.MapFrom(s => ProgressWire.Unit(s.Unit)))
            .ForCtorParam(nameof(DashboardGoalResponse.Consistency7), o => o.MapFrom(s => ConsistencyResponse.From(s.Last7)))
            .ForCtorParam(nameof(DashboardGoalResponse.Consistency28), o => o.MapFrom(s => ConsistencyResponse.From(s.Last28)));
        CreateMap<NudgeCounts, NudgeCountsResponse>();
        CreateMap<CoachQueueEntry, QueueEntryResponse>()
            .ForCtorParam(nameof(QueueEntryResponse.DisplayName), o => o.MapFrom(_ => (string?)null));
        CreateMap<QueueReason, QueueReasonResponse>()
            .ForCtorParam(nameof(QueueReasonResponse.Reason), o => o.MapFrom(s => CoachViewWire.Reason(s.Reason)));
    }
}
