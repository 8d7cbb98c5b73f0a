using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Members.DeclarePause;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Common;
using Accountability.Domain.Members;
using MediatR;

namespace Accountability.Api.Features.Members.EndPause;

/// <summary>POST /api/v1/me/pauses/{pauseId}/end: <c>{"lastPausedDate":"2025-07-09"}</c> (optional: today is the last paused day).</summary>
public sealed record EndPauseRequest(DateOnly? LastPausedDate);

/// <summary>Back early: the pause ends after the given day (days already begun stay paused); a pause not begun is cancelled.</summary>
public sealed record EndPause(Guid PauseId, DateOnly? LastPausedDate) : IRequest<(PauseResponse Pause, long Version)>;

internal sealed class EndPauseHandler(EventWriter writer, RequestActor actor) : IRequestHandler<EndPause, (PauseResponse Pause, long Version)>
{
    public async Task<(PauseResponse Pause, long Version)> Handle(EndPause request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var written = await writer.WriteAsync<Member>(
            StreamIds.Member(me.MemberId),
            Member.Evolve,
            (state, now) => MemberDecisions.Decide(new Domain.Members.EndPause(request.PauseId, request.LastPausedDate), state, me.MemberId, now),
            me,
            new WriteOptions(nameof(EndPause), ClientId: request.PauseId),
            cancellationToken);
        return (PauseResponses.From(written.State!.Pauses[request.PauseId]), written.Version);
    }
}

internal static class EndPauseEndpoint
{
    public static RouteGroupBuilder MapEndPause(this RouteGroupBuilder me)
    {
        me.MapPost("/pauses/{pauseId:guid}/end", async (Guid pauseId, EndPauseRequest? body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var (pause, version) = await mediator.Send(new EndPause(pauseId, body?.LastPausedDate), ct);
                ETags.Set(http, version);
                return TypedResults.Ok(pause);
            })
            .RequireAccess(AccessRule.Authenticated)
            .WithIdempotency()
            .WithName("EndPause")
            .WithSummary("End a pause early (or cancel one not yet begun).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return me;
    }
}
