using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Goals;
using FluentValidation;
using MediatR;
using Npgsql;
using NpgsqlTypes;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.Goals.StreakCorrections;

/// <summary>A request to excuse the missed period containing <c>date</c>, and its outcome.</summary>
public sealed record CorrectionResponse(
    Guid CorrectionId,
    Guid GoalId,
    Guid GroupId,
    Guid MemberId,
    DateOnly Date,
    string Reason,
    string Status,
    Guid RequestedBy,
    DateTimeOffset RequestedAt,
    Guid? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? Note);

/// <summary>
/// POST /api/v1/goals/{goalId}/corrections (the member asks) and POST /api/v1/groups/{groupId}/goals/{goalId}/corrections
/// (a coach excuses directly): <c>{"correctionId":"…","date":"2025-06-03","reason":"…"}</c>.
/// </summary>
public sealed record CorrectionRequest(Guid CorrectionId, DateOnly? Date, string? Reason);

/// <summary>A lost streak comes back only through a coach-approved correction, never by editing a number.</summary>
public sealed record RequestStreakCorrection(Guid GoalId, Guid? GroupId, Guid CorrectionId, DateOnly? Date, string? Reason, bool ByCoach)
    : IRequest<(CorrectionResponse Correction, long Version, IReadOnlyList<WinResponse> Wins)>;

/// <summary>POST /api/v1/groups/{groupId}/goals/{goalId}/corrections/{correctionId}/approve|reject: <c>{"note":"…"}</c> (optional).</summary>
public sealed record DecideCorrectionRequest(string? Note);

public sealed record DecideStreakCorrection(Guid GroupId, Guid GoalId, Guid CorrectionId, bool Approve, string? Note)
    : IRequest<(CorrectionResponse Correction, long Version, IReadOnlyList<WinResponse> Wins)>;

/// <summary>GET /api/v1/goals/{goalId}/corrections (the owner) or GET /api/v1/groups/{groupId}/corrections?status=pending (staff).</summary>
public sealed record GetCorrections(Guid? GoalId, Guid? GroupId, string? Status) : IRequest<IReadOnlyList<CorrectionResponse>>;

internal sealed class RequestStreakCorrectionValidator : AbstractValidator<RequestStreakCorrection>
{
    public RequestStreakCorrectionValidator()
    {
        RuleFor(c => c.CorrectionId).RequiredId();
        RuleFor(c => c.Date).NotNull().WithMessage("Send the missed date (yyyy-MM-dd).");
        RuleFor(c => c.Reason).MultiLine();
    }
}

internal sealed class DecideStreakCorrectionValidator : AbstractValidator<DecideStreakCorrection>
{
    public DecideStreakCorrectionValidator() => RuleFor(c => c.Note).MultiLine();
}

internal sealed class RequestStreakCorrectionHandler(EventWriter writer, RequestActor actor, Membership membership)
    : IRequestHandler<RequestStreakCorrection, (CorrectionResponse Correction, long Version, IReadOnlyList<WinResponse> Wins)>
{
    public async Task<(CorrectionResponse Correction, long Version, IReadOnlyList<WinResponse> Wins)> Handle(RequestStreakCorrection request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var found = await GoalContext.FindAsync(membership, request.GoalId, cancellationToken);
        var written = await writer.WriteGoalAsync(request.GoalId, me, new WriteOptions(nameof(RequestStreakCorrection), ClientId: request.CorrectionId),
            async (goal, now) =>
            {
                // A coach acting on a goal of another group is told "not found", as for any goal they cannot see.
                var context = await GoalContext.LoadAsync(writer, request.GroupId ?? found.GroupId, found.OwnerId, cancellationToken);
                var group = context.RequireGroup();
                if (!request.ByCoach)
                {
                    return GoalDecisions.Decide(new Domain.Goals.RequestStreakCorrection(request.CorrectionId, request.Date!.Value, request.Reason ?? string.Empty),
                        goal, group, context.Owner, me.MemberId, now);
                }

                var decided = GoalDecisions.Decide(new CorrectStreak(request.CorrectionId, request.Date!.Value, request.Reason ?? string.Empty),
                    goal, group, context.Owner, me.MemberId, now);
                return GoalWins.WithWins(goal, decided, group, context.Owner, now);
            },
            cancellationToken);
        return (Corrections.From(written.State!, request.CorrectionId), written.Version, GoalWins.Of(written.Events));
    }
}

internal sealed class DecideStreakCorrectionHandler(EventWriter writer, RequestActor actor, Membership membership)
    : IRequestHandler<DecideStreakCorrection, (CorrectionResponse Correction, long Version, IReadOnlyList<WinResponse> Wins)>
{
    public async Task<(CorrectionResponse Correction, long Version, IReadOnlyList<WinResponse> Wins)> Handle(DecideStreakCorrection request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var found = await GoalContext.FindAsync(membership, request.GoalId, cancellationToken);
        var written = await writer.WriteGoalAsync(request.GoalId, me, new WriteOptions(request.Approve ? "ApproveStreakCorrection" : "RejectStreakCorrection"),
            async (goal, now) =>
            {
                var context = await GoalContext.LoadAsync(writer, request.GroupId, found.OwnerId, cancellationToken);
                var group = context.RequireGroup();
                if (!request.Approve)
                {
                    return GoalDecisions.Decide(new RejectStreakCorrection(request.CorrectionId, request.Note), goal, group, me.MemberId, now);
                }

                var decided = GoalDecisions.Decide(new ApproveStreakCorrection(request.CorrectionId, request.Note), goal, group, me.MemberId, now);
                return GoalWins.WithWins(goal, decided, group, context.Owner, now);
            },
            cancellationToken);
        return (Corrections.From(written.State!, request.CorrectionId), written.Version, GoalWins.Of(written.Events));
    }
}

internal sealed class GetCorrectionsHandler(NpgsqlDataSource dataSource) : IRequestHandler<GetCorrections, IReadOnlyList<CorrectionResponse>>
{
    public async Task<IReadOnlyList<CorrectionResponse>> Handle(GetCorrections request, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
                """
                SELECT correction_id, goal_id, group_id, member_id, date, reason, status, requested_by, requested_at, decided_by, decided_at, note
                  FROM rm.streak_corrections
                 WHERE ($1::uuid IS NULL OR goal_id = $1) AND ($2::uuid IS NULL OR group_id = $2) AND ($3::text IS NULL OR status = $3)
                 ORDER BY requested_at DESC, correction_id
                 LIMIT 500
                """)
            .With(request.GoalId, NpgsqlDbType.Uuid)
            .With(request.GroupId, NpgsqlDbType.Uuid)
            .With(request.Status, NpgsqlDbType.Text);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var corrections = new List<CorrectionResponse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            corrections.Add(new CorrectionResponse(
                reader.GetGuid(0),
                reader.GetGuid(1),
                reader.GetGuid(2),
                reader.GetGuid(3),
                await reader.GetFieldValueAsync<DateOnly>(4, cancellationToken),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetGuid(7),
                await reader.GetFieldValueAsync<DateTimeOffset>(8, cancellationToken),
                await reader.IsDBNullAsync(9, cancellationToken) ? null : reader.GetGuid(9),
                await reader.IsDBNullAsync(10, cancellationToken) ? null : await reader.GetFieldValueAsync<DateTimeOffset>(10, cancellationToken),
                await reader.IsDBNullAsync(11, cancellationToken) ? null : reader.GetString(11)));
        }

        return corrections;
    }
}

internal static class Corrections
{
    public static CorrectionResponse From(Goal goal, Guid correctionId)
    {
        var c = goal.Corrections[correctionId];
        return new CorrectionResponse(
            c.CorrectionId, goal.Id, goal.GroupId, goal.MemberId, c.Date, c.Reason, c.Status.ToString().ToLowerInvariant(), c.RequestedBy, c.RequestedAt, c.DecidedBy, c.DecidedAt, null);
    }
}

/// <summary>The correction with the wins its approval produced (a restored streak can reach a milestone).</summary>
public sealed record CorrectionResult(CorrectionResponse Correction, IReadOnlyList<WinResponse> Wins);

internal static class StreakCorrectionEndpoints
{
    public static RouteGroupBuilder MapStreakCorrections(this RouteGroupBuilder api)
    {
        api.MapPost("/goals/{goalId:guid}/corrections", async (Guid goalId, CorrectionRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var (correction, version, wins) = await mediator.Send(
                    new RequestStreakCorrection(goalId, null, body.CorrectionId, body.Date, body.Reason, ByCoach: false), ct);
                ETags.Set(http, version);
                return TypedResults.Created($"{GoalsApi.Prefix}/goals/{goalId}/corrections/{correction.CorrectionId}", new CorrectionResult(correction, wins));
            })
            .RequireAccess(AccessRules.GoalOwner)
            .WithIdempotency()
            .WithName("RequestStreakCorrection")
            .WithSummary("Ask the coach to excuse a missed period (illness, an outage ...).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/goals/{goalId:guid}/corrections", async (Guid goalId, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetCorrections(goalId, null, null), ct)))
            .RequireAccess(AccessRules.GoalOwner)
            .WithName("GetGoalCorrections")
            .WithSummary("The goal owner's correction requests and their outcomes.");

        api.MapGet("/goals/{goalId:guid}/corrections/{correctionId:guid}", async Task<Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Ok<CorrectionResponse>, Microsoft.AspNetCore.Http.HttpResults.NotFound>> (
                Guid goalId, Guid correctionId, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new GetCorrections(goalId, null, null), ct)).FirstOrDefault(c => c.CorrectionId == correctionId) is { } correction
                    ? TypedResults.Ok(correction)
                    : TypedResults.NotFound())
            .RequireAccess(AccessRules.GoalOwner)
            .WithName("GetGoalCorrection")
            .WithSummary("One correction request of the goal owner.");

        api.MapGet("/groups/{groupId:guid}/corrections", async (Guid groupId, string? status, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetCorrections(null, groupId, status is "pending" or "approved" or "rejected" ? status : null), ct)))
            .RequireAccess(AccessRules.GroupStaff)
            .WithName("GetGroupCorrections")
            .WithSummary("The group's correction requests (?status=pending for the ones waiting for a coach).");

        api.MapPost("/groups/{groupId:guid}/goals/{goalId:guid}/corrections", async (Guid groupId, Guid goalId, CorrectionRequest body,
                IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var (correction, version, wins) = await mediator.Send(
                    new RequestStreakCorrection(goalId, groupId, body.CorrectionId, body.Date, body.Reason, ByCoach: true), ct);
                ETags.Set(http, version);
                return TypedResults.Created($"{GoalsApi.Prefix}/groups/{groupId}/corrections", new CorrectionResult(correction, wins));
            })
            .RequireAccess(AccessRules.GroupStaff)
            .WithIdempotency()
            .WithName("CorrectStreak")
            .WithSummary("A coach excuses a member's missed period directly (recorded as a request and its approval).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        foreach (var approve in new[] { true, false })
        {
            api.MapPost($"/groups/{{groupId:guid}}/goals/{{goalId:guid}}/corrections/{{correctionId:guid}}/{(approve ? "approve" : "reject")}",
                    async (Guid groupId, Guid goalId, Guid correctionId, DecideCorrectionRequest? body, IMediator mediator, HttpContext http, CancellationToken ct) =>
                    {
                        var (correction, version, wins) = await mediator.Send(new DecideStreakCorrection(groupId, goalId, correctionId, approve, body?.Note), ct);
                        ETags.Set(http, version);
                        return TypedResults.Ok(new CorrectionResult(correction, wins));
                    })
                .RequireAccess(AccessRules.GroupStaff)
                .WithName(approve ? "ApproveStreakCorrection" : "RejectStreakCorrection")
                .WithSummary(approve ? "Approve a correction: the period is excused and the streak restored." : "Reject a correction request.")
                .ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status409Conflict);
        }

        return api;
    }
}
