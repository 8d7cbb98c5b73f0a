using System.Text.Json;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using Accountability.Api.Identity;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Groups;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Groups.GetGroups;

/// <summary>GET /api/v1/groups (the caller's groups) and GET /api/v1/groups/{groupId} (one of them), from <c>rm.groups</c>.</summary>
public sealed record GetGroups(Guid? GroupId = null) : IRequest<IReadOnlyList<GroupResponse>>;

internal sealed class GetGroupsHandler(NpgsqlDataSource dataSource, CurrentUser user) : IRequestHandler<GetGroups, IReadOnlyList<GroupResponse>>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<GroupResponse>> Handle(GetGroups request, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
                """
                SELECT g.group_id, g.name, g.description, g.time_zone, g.grace_minutes, g.numbers_visibility, g.prompts::text,
                       g.leaderboard_rule_version, g.leaderboard_basis, g.leaderboard_minimum_due, g.coach_id, m.role,
                       g.invite_code, g.invite_expires_at, g.created_at, g.version
                  FROM rm.group_members m
                  JOIN rm.groups g ON g.group_id = m.group_id
                 WHERE m.member_id = $1 AND m.status = 'active' AND ($2::uuid IS NULL OR g.group_id = $2)
                 ORDER BY m.joined_at, g.group_id
                """)
            .With(user.MemberId, NpgsqlDbType.Uuid)
            .With(request.GroupId, NpgsqlDbType.Uuid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var groups = new List<GroupResponse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var role = reader.GetString(11);
            var staff = role is AccessNames.Coach or AccessNames.CoCoach;
            var prompts = JsonSerializer.Deserialize<List<CheckInPrompt>>(reader.GetString(6), Json) ?? [];
            groups.Add(new GroupResponse(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetInt32(4),
                reader.GetString(5),
                prompts.Select(p => new PromptResponse(p.PromptId, p.Text)).ToList(),
                new LeaderboardRuleResponse(reader.GetInt32(7), reader.GetString(8), reader.GetInt32(9)),
                reader.GetGuid(10),
                role,
                staff && !await reader.IsDBNullAsync(12, cancellationToken) ? InviteCodes.Display(reader.GetString(12)) : null,
                staff && !await reader.IsDBNullAsync(13, cancellationToken) ? await reader.GetFieldValueAsync<DateTimeOffset>(13, cancellationToken) : null,
                await reader.GetFieldValueAsync<DateTimeOffset>(14, cancellationToken),
                reader.GetInt64(15)));
        }

        return groups;
    }
}

internal static class GetGroupsEndpoint
{
    public static RouteGroupBuilder MapGetGroups(this RouteGroupBuilder groups)
    {
        groups.MapGet("/", async (IMediator mediator, CancellationToken ct) => TypedResults.Ok(await mediator.Send(new GetGroups(), ct)))
            .RequireAccess(AccessRule.Authenticated)
            .WithName("GetMyGroups")
            .WithSummary("The groups the caller is an active member of, with their role in each.");

        groups.MapGet("/{groupId:guid}", async Task<Results<Ok<GroupResponse>, NotFound>> (Guid groupId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                if (await mediator.Send(new GetGroups(groupId), ct) is not [var group])
                {
                    return TypedResults.NotFound();
                }

                ETags.Set(http, group.Version);
                return TypedResults.Ok(group);
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithName("GetGroup")
            .WithSummary("A group's settings; the ETag is the version to send with If-Match.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return groups;
    }
}
