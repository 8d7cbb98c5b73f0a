using System.Security.Cryptography;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Common;
using Accountability.Domain.Groups;
using FluentValidation;
using MediatR;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Groups.Invites;

/// <summary>POST /api/v1/groups/{groupId}/invite-code: <c>{"expiresAt":"…"}</c> (optional, 1 hour to 90 days ahead).</summary>
public sealed record IssueInviteCodeRequest(DateTimeOffset? ExpiresAt);

/// <summary>The group's invite code, as people type it (ABCD-EFGH; case and dashes do not matter when joining).</summary>
public sealed record InviteCodeResponse(Guid GroupId, string Code, DateTimeOffset? ExpiresAt, long Version);

/// <summary>A new code replaces any previous one (a leaked code is retired by issuing another or revoking it).</summary>
public sealed record IssueInviteCode(Guid GroupId, DateTimeOffset? ExpiresAt) : IRequest<InviteCodeResponse>;

public sealed record RevokeInviteCode(Guid GroupId) : IRequest<long>;

internal sealed class IssueInviteCodeHandler(EventWriter writer, RequestActor actor, NpgsqlDataSource dataSource)
    : IRequestHandler<IssueInviteCode, InviteCodeResponse>
{
    public async Task<InviteCodeResponse> Handle(IssueInviteCode request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var code = await FreshCodeAsync(cancellationToken);
        var written = await writer.WriteAsync<Group>(
            StreamIds.Group(request.GroupId),
            Group.Evolve,
            (state, now) => GroupDecisions.Decide(new Domain.Groups.IssueInviteCode(code, request.ExpiresAt), state, me.MemberId, now),
            me,
            new WriteOptions(nameof(IssueInviteCode)),
            cancellationToken);
        var invite = written.State!.Invite!;
        return new InviteCodeResponse(request.GroupId, Domain.Groups.InviteCodes.Display(invite.Code), invite.ExpiresAt, written.Version);
    }

    /// <summary>8 symbols from 30 (6.5e11 codes): a clash is unlikely, but a code must open exactly one group.</summary>
    private async Task<string> FreshCodeAsync(CancellationToken ct)
    {
        while (true)
        {
            var code = Domain.Groups.InviteCodes.Generate(RandomNumberGenerator.GetBytes(Domain.Groups.InviteCodes.Length));
            await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM rm.groups WHERE invite_code = $1)")
                .With(code, NpgsqlDbType.Text);
            if (await command.ExecuteScalarAsync(ct) is false)
            {
                return code;
            }
        }
    }
}

internal sealed class RevokeInviteCodeHandler(EventWriter writer, RequestActor actor) : IRequestHandler<RevokeInviteCode, long>
{
    public async Task<long> Handle(RevokeInviteCode request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var written = await writer.WriteAsync<Group>(
            StreamIds.Group(request.GroupId),
            Group.Evolve,
            (state, now) => GroupDecisions.Decide(new Domain.Groups.RevokeInviteCode(), state, me.MemberId, now),
            me,
            new WriteOptions(nameof(RevokeInviteCode)),
            cancellationToken);
        return written.Version;
    }
}

internal static class InviteCodeEndpoints
{
    public static RouteGroupBuilder MapInviteCodes(this RouteGroupBuilder groups)
    {
        groups.MapPost("/{groupId:guid}/invite-code", async (Guid groupId, IssueInviteCodeRequest? body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var invite = await mediator.Send(new IssueInviteCode(groupId, body?.ExpiresAt), ct);
                ETags.Set(http, invite.Version);
                return TypedResults.Ok(invite);
            })
            .RequireAccess(AccessRules.GroupStaff)
            .WithIdempotency()
            .WithName("IssueInviteCode")
            .WithSummary("Issue a new invite code for the group (it replaces the current one).")
            .ProducesValidationProblem();

        groups.MapDelete("/{groupId:guid}/invite-code", async (Guid groupId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new RevokeInviteCode(groupId), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupStaff)
            .WithName("RevokeInviteCode")
            .WithSummary("Revoke the group's invite code: nobody can join with it any more.");
        return groups;
    }
}
