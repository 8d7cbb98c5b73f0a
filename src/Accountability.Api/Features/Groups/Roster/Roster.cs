using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using Accountability.Api.Identity;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Groups;
using FluentValidation;
using MediatR;
using Npgsql;
using NpgsqlTypes;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.Groups.Roster;

/// <summary>
/// One person on the roster. Members see the active roster; staff also see who left or was removed, and mutes.
/// <c>isPartner</c>: whether this person is the caller's accountability partner.
/// </summary>
public sealed record RosterEntry(
    Guid MemberId,
    string DisplayName,
    string Role,
    string Status,
    DateTimeOffset JoinedAt,
    DateTimeOffset? MutedUntil,
    bool IsPartner);

/// <summary>GET /api/v1/groups/{groupId}/members.</summary>
public sealed record GetRoster(Guid GroupId) : IRequest<IReadOnlyList<RosterEntry>>;

internal sealed class GetRosterHandler(NpgsqlDataSource dataSource, CurrentUser user, Membership membership)
    : IRequestHandler<GetRoster, IReadOnlyList<RosterEntry>>
{
    public async Task<IReadOnlyList<RosterEntry>> Handle(GetRoster request, CancellationToken cancellationToken)
    {
        var role = await membership.RoleInAsync(request.GroupId, user.MemberId, cancellationToken);
        var staff = role is GroupRole.Coach or GroupRole.CoCoach;
        await using var command = dataSource.CreateCommand(
                """
                SELECT m.member_id, coalesce(a.display_name, 'Former member'), m.role, m.status, m.joined_at, m.muted_until,
                       EXISTS (SELECT 1 FROM rm.partner_pairs p
                                WHERE p.group_id = m.group_id AND p.member_a = least(m.member_id, $2) AND p.member_b = greatest(m.member_id, $2))
                  FROM rm.group_members m
                  LEFT JOIN identity.accounts a ON a.id = m.member_id
                 WHERE m.group_id = $1 AND ($3 OR m.status = 'active')
                 ORDER BY CASE m.role WHEN 'coach' THEN 0 WHEN 'co-coach' THEN 1 ELSE 2 END, m.joined_at, m.member_id
                """)
            .With(request.GroupId, NpgsqlDbType.Uuid)
            .With(user.MemberId, NpgsqlDbType.Uuid)
            .With(staff, NpgsqlDbType.Boolean);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var roster = new List<RosterEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            roster.Add(new RosterEntry(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                await reader.GetFieldValueAsync<DateTimeOffset>(4, cancellationToken),
                staff && !await reader.IsDBNullAsync(5, cancellationToken) ? await reader.GetFieldValueAsync<DateTimeOffset>(5, cancellationToken) : null,
                reader.GetBoolean(6)));
        }

        return roster;
    }
}

/// <summary>POST /api/v1/groups/{groupId}/members/{memberId}/remove: <c>{"reason":"…"}</c>.</summary>
public sealed record RemoveMemberRequest(string? Reason);

/// <summary>Staff remove a member (the coach also a co-coach); their partnerships end, and only the coach can let them back.</summary>
public sealed record RemoveMember(Guid GroupId, Guid MemberId, string? Reason) : IRequest<long>;

internal sealed class RemoveMemberValidator : AbstractValidator<RemoveMember>
{
    public RemoveMemberValidator() => RuleFor(c => c.Reason).MultiLine();
}

internal sealed class RemoveMemberHandler(EventWriter writer, RequestActor actor) : IRequestHandler<RemoveMember, long>
{
    public async Task<long> Handle(RemoveMember request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var written = await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(nameof(RemoveMember)),
            (state, now) => GroupDecisions.Decide(new Domain.Groups.RemoveMember(request.MemberId, request.Reason ?? string.Empty), state, me.MemberId, now),
            cancellationToken);
        return written.Version;
    }
}

/// <summary>POST /api/v1/groups/{groupId}/members/{memberId}/reinstate: the coach lets a removed member back in.</summary>
public sealed record ReinstateMember(Guid GroupId, Guid MemberId) : IRequest<long>;

internal sealed class ReinstateMemberHandler(EventWriter writer, RequestActor actor) : IRequestHandler<ReinstateMember, long>
{
    public async Task<long> Handle(ReinstateMember request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var written = await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(nameof(ReinstateMember)),
            (state, now) => GroupDecisions.Decide(new Domain.Groups.ReinstateMember(request.MemberId), state, me.MemberId, now),
            cancellationToken);
        return written.Version;
    }
}

internal static class RosterEndpoints
{
    public static RouteGroupBuilder MapRoster(this RouteGroupBuilder groups)
    {
        groups.MapGet("/{groupId:guid}/members", async (Guid groupId, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetRoster(groupId), ct)))
            .RequireAccess(AccessRules.GroupMember)
            .WithName("GetRoster")
            .WithSummary("The group's members with their roles (staff also see who left or was removed).");

        groups.MapPost("/{groupId:guid}/members/{memberId:guid}/remove", async (Guid groupId, Guid memberId, RemoveMemberRequest body,
                IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new RemoveMember(groupId, memberId, body.Reason), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupStaff)
            .WithName("RemoveMember")
            .WithSummary("Remove a member from the group, with a reason.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        groups.MapPost("/{groupId:guid}/members/{memberId:guid}/reinstate", async (Guid groupId, Guid memberId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new ReinstateMember(groupId, memberId), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupCoach)
            .WithName("ReinstateMember")
            .WithSummary("Let a removed member back into the group.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return groups;
    }
}
