using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Common;
using Accountability.Domain.Members;
using FluentValidation;
using MediatR;

namespace Accountability.Api.Features.Members.DeclarePause;

/// <summary>POST /api/v1/me/pauses: <c>{"pauseId":"…","firstDate":"2025-07-01","lastDate":"2025-07-14","reason":"vacation","note":"…"}</c>.</summary>
public sealed record DeclarePauseRequest(Guid PauseId, DateOnly? FirstDate, DateOnly? LastDate, string? Reason, string? Note);

/// <summary>
/// Vacation, illness, travel: paused days are neutral everywhere (streaks, consistency, leaderboards, coach
/// queue). Declared ahead, from today on, so closed days are never rewritten. The client's pause id makes a
/// retry harmless.
/// </summary>
public sealed record DeclarePause(Guid PauseId, DateOnly? FirstDate, DateOnly? LastDate, string? Reason, string? Note)
    : IRequest<(PauseResponse Pause, long Version, bool Created)>;

internal sealed class DeclarePauseValidator : AbstractValidator<DeclarePause>
{
    public DeclarePauseValidator()
    {
        RuleFor(c => c.PauseId).RequiredId();
        RuleFor(c => c.FirstDate).NotNull().WithMessage("Send the first paused day (yyyy-MM-dd).");
        RuleFor(c => c.Reason).NotNull().WithMessage("Say why: " + WireNames.PauseReason.Expected + ".").OneOf(WireNames.PauseReason);
        RuleFor(c => c.Note).MultiLine();
    }
}

internal sealed class DeclarePauseHandler(EventWriter writer, RequestActor actor)
    : IRequestHandler<DeclarePause, (PauseResponse Pause, long Version, bool Created)>
{
    public async Task<(PauseResponse Pause, long Version, bool Created)> Handle(DeclarePause request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        await MemberZones.EnsureAsync(writer, me, cancellationToken);
        var command = new Domain.Members.DeclarePause(
            request.PauseId, request.FirstDate!.Value, request.LastDate, WireNames.PauseReason.Parse(request.Reason!), request.Note);
        var written = await writer.WriteAsync<Member>(
            StreamIds.Member(me.MemberId),
            Member.Evolve,
            (state, now) => MemberDecisions.Decide(command, state, me.MemberId, now),
            me,
            new WriteOptions(nameof(DeclarePause), ClientId: request.PauseId),
            cancellationToken);
        var pause = written.State!.Pauses[request.PauseId];
        return (PauseResponses.From(pause), written.Version, written.Changed);
    }
}

internal static class PauseResponses
{
    public static PauseResponse From(Pause pause) => new(
        pause.PauseId, pause.FirstDate, pause.LastDate, WireNames.PauseReason.Name(pause.Reason), pause.Note, pause.DeclaredAt, pause.EndedLastDate, pause.EndedAt);
}

internal static class DeclarePauseEndpoint
{
    public static RouteGroupBuilder MapDeclarePause(this RouteGroupBuilder me)
    {
        me.MapPost("/pauses", async (DeclarePauseRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var (pause, version, _) = await mediator.Send(new DeclarePause(body.PauseId, body.FirstDate, body.LastDate, body.Reason, body.Note), ct);
                ETags.Set(http, version);
                return TypedResults.Created($"{MembersApi.Prefix}/pauses/{pause.PauseId}", pause);
            })
            .RequireAccess(AccessRule.Authenticated)
            .WithIdempotency()
            .WithName("DeclarePause")
            .WithSummary("Declare a pause (vacation, illness ...): its days are neutral for streaks, boards and the coach queue.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return me;
    }
}
