using System.Text.Json;
using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity;
using Accountability.Api.Identity.Access;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.Goals.GetGoal;

/// <summary>GET /api/v1/goals/{goalId}: the goal's definition from <c>rm.goals</c>, as much as the viewer may see.</summary>
public sealed record GetGoal(Guid GoalId) : IRequest<GoalResponse?>;

internal sealed class GetGoalHandler(NpgsqlDataSource dataSource, Membership membership, CurrentUser user) : IRequestHandler<GetGoal, GoalResponse?>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<GoalResponse?> Handle(GetGoal request, CancellationToken cancellationToken)
    {
        var access = await membership.GoalAccessForAsync(user.MemberId, request.GoalId, cancellationToken);
        if (access == Domain.Feed.Access.None)
        {
            return null;
        }

        await using var command = dataSource.CreateCommand(
                """
                SELECT goal_id, group_id, member_id, title, why, measure::text, cadence::text, start_date, end_date, reward, consequence,
                       visibility, status, closed_on, revision, set_at, version
                  FROM rm.goals WHERE goal_id = $1
                """)
            .With(request.GoalId, NpgsqlDbType.Uuid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var goal = new GoalResponse(
            reader.GetGuid(0),
            reader.GetGuid(1),
            reader.GetGuid(2),
            reader.GetString(3),
            await NullableStringAsync(reader, 4, cancellationToken),
            JsonSerializer.Deserialize<MeasureShape>(reader.GetString(5), Json)!,
            JsonSerializer.Deserialize<CadenceShape>(reader.GetString(6), Json)!,
            await reader.GetFieldValueAsync<DateOnly>(7, cancellationToken),
            await reader.IsDBNullAsync(8, cancellationToken) ? null : await reader.GetFieldValueAsync<DateOnly>(8, cancellationToken),
            await NullableStringAsync(reader, 9, cancellationToken),
            await NullableStringAsync(reader, 10, cancellationToken),
            reader.GetString(11),
            reader.GetString(12),
            await reader.IsDBNullAsync(13, cancellationToken) ? null : await reader.GetFieldValueAsync<DateOnly>(13, cancellationToken),
            reader.GetInt32(14),
            await reader.GetFieldValueAsync<DateTimeOffset>(15, cancellationToken),
            reader.GetInt64(16));
        return access == Domain.Feed.Access.Full ? goal : goal.Summary();
    }

    private static async Task<string?> NullableStringAsync(NpgsqlDataReader reader, int ordinal, CancellationToken ct) =>
        await reader.IsDBNullAsync(ordinal, ct) ? null : reader.GetString(ordinal);
}

internal static class GetGoalEndpoint
{
    public static RouteGroupBuilder MapGetGoal(this RouteGroupBuilder api)
    {
        api.MapGet("/goals/{goalId:guid}", async Task<Results<Ok<GoalResponse>, NotFound>> (Guid goalId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                if (await mediator.Send(new GetGoal(goalId), ct) is not { } goal)
                {
                    return TypedResults.NotFound();
                }

                ETags.Set(http, goal.Version);
                return TypedResults.Ok(goal);
            })
            .RequireAccess(AccessRules.GoalViewer)
            .WithName("GetGoal")
            .WithSummary("A goal's definition; the ETag is the version to send with If-Match.");
        return api;
    }
}
