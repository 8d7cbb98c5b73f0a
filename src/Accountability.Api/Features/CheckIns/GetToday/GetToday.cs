using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Goals;
using Accountability.Api.Identity.Access;
using Accountability.Domain.Time;
using MediatR;

namespace Accountability.Api.Features.CheckIns.GetToday;

public sealed record OpenDay(DateOnly Date, DateTimeOffset ClosesAt);

/// <summary>
/// The member's "today" in a group: the local date, the zone it is counted in, when it started and the one
/// instant it closes for check-ins (local midnight plus the group's grace), and every date still open (usually
/// yesterday too, until the grace runs out). <c>tzdbVersion</c>: the time zone rules the instants come from.
/// </summary>
public sealed record TodayResponse(
    Guid GroupId,
    DateOnly Date,
    string TimeZoneId,
    DateTimeOffset StartsAt,
    DateTimeOffset ClosesAt,
    int GraceMinutes,
    IReadOnlyList<OpenDay> OpenDates,
    string TzdbVersion);

/// <summary>GET /api/v1/groups/{groupId}/today.</summary>
public sealed record GetToday(Guid GroupId) : IRequest<TodayResponse>;

internal sealed class GetTodayHandler(EventWriter writer, RequestActor actor) : IRequestHandler<GetToday, TodayResponse>
{
    public async Task<TodayResponse> Handle(GetToday request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var context = await GoalContext.LoadAsync(writer, request.GroupId, me.MemberId, cancellationToken);
        var group = context.RequireGroup();
        var clock = DayClock.For(group, context.Owner);
        var now = writer.Now;
        var today = clock.CurrentDay(now);
        return new TodayResponse(
            group.Id,
            today.Date,
            today.TimeZoneId,
            today.StartsAt,
            today.ClosesAt,
            group.GraceMinutes,
            clock.OpenDates(now).Select(d => new OpenDay(d, clock.ClosesAt(d))).ToList(),
            TimeZones.TzdbVersion);
    }
}

internal static class GetTodayEndpoint
{
    public static RouteGroupBuilder MapGetToday(this RouteGroupBuilder api)
    {
        api.MapGet("/groups/{groupId:guid}/today", async (Guid groupId, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetToday(groupId), ct)))
            .RequireAccess(AccessRules.GroupMember)
            .WithName("GetToday")
            .WithSummary("When the caller's today closes in this group, and which dates are still open for check-ins.");
        return api;
    }
}
