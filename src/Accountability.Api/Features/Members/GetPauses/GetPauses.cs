using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using Accountability.Api.Identity;
using Accountability.Api.Infrastructure.Http.Idempotency;
using MediatR;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Members.GetPauses;

/// <summary>GET /api/v1/me/pauses and /api/v1/me/pauses/{pauseId}: the member's own pauses, newest first.</summary>
public sealed record GetPauses(Guid? PauseId = null) : IRequest<IReadOnlyList<PauseResponse>>;

internal sealed class GetPausesHandler(NpgsqlDataSource dataSource, CurrentUser user) : IRequestHandler<GetPauses, IReadOnlyList<PauseResponse>>
{
    public async Task<IReadOnlyList<PauseResponse>> Handle(GetPauses request, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
                """
                SELECT pause_id, first_date, last_date, reason, note, declared_at, effective_last_date, ended_at
                  FROM rm.pauses
                 WHERE member_id = $1 AND ($2::uuid IS NULL OR pause_id = $2)
                 ORDER BY first_date DESC, declared_at DESC
                """)
            .With(user.MemberId, NpgsqlDbType.Uuid)
            .With(request.PauseId, NpgsqlDbType.Uuid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pauses = new List<PauseResponse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var endedAt = await reader.IsDBNullAsync(7, cancellationToken) ? (DateTimeOffset?)null : await reader.GetFieldValueAsync<DateTimeOffset>(7, cancellationToken);
            pauses.Add(new PauseResponse(
                reader.GetGuid(0),
                await reader.GetFieldValueAsync<DateOnly>(1, cancellationToken),
                await reader.IsDBNullAsync(2, cancellationToken) ? null : await reader.GetFieldValueAsync<DateOnly>(2, cancellationToken),
                reader.GetString(3),
                await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetString(4),
                await reader.GetFieldValueAsync<DateTimeOffset>(5, cancellationToken),
                endedAt is null || await reader.IsDBNullAsync(6, cancellationToken) ? null : await reader.GetFieldValueAsync<DateOnly>(6, cancellationToken),
                endedAt));
        }

        return pauses;
    }
}

internal static class GetPausesEndpoint
{
    public static RouteGroupBuilder MapGetPauses(this RouteGroupBuilder me)
    {
        me.MapGet("/pauses", async (IMediator mediator, CancellationToken ct) => TypedResults.Ok(await mediator.Send(new GetPauses(), ct)))
            .RequireAccess(AccessRule.Authenticated)
            .WithName("GetMyPauses")
            .WithSummary("The member's pauses, newest first.");
        me.MapGet("/pauses/{pauseId:guid}", async Task<Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Ok<PauseResponse>, Microsoft.AspNetCore.Http.HttpResults.NotFound>> (Guid pauseId, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new GetPauses(pauseId), ct) is [var pause] ? TypedResults.Ok(pause) : TypedResults.NotFound())
            .RequireAccess(AccessRule.Authenticated)
            .WithName("GetMyPause")
            .WithSummary("One of the member's pauses.");
        return me;
    }
}
