using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Access;
using Accountability.Api.Features.Members;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Common;
using Accountability.Domain.Groups;
using FluentValidation;
using MediatR;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Groups.JoinGroup;

/// <summary>POST /api/v1/groups/join: <c>{"inviteCode":"ABCD-EFGH"}</c> (case, spaces and dashes do not matter).</summary>
public sealed record JoinGroupRequest(string? InviteCode);

/// <summary>Joins the group the code opens. Joining again while a member changes nothing; a removed member cannot rejoin.</summary>
public sealed record JoinGroup(string? InviteCode) : IRequest<GroupResponse>;

internal sealed class JoinGroupValidator : AbstractValidator<JoinGroup>
{
    public JoinGroupValidator() =>
        RuleFor(c => c.InviteCode)
            .Must(Domain.Groups.InviteCodes.IsWellFormed)
            .WithMessage($"An invite code has {Domain.Groups.InviteCodes.Length} letters and digits, like ABCD-EFGH.");
}

internal sealed class JoinGroupHandler(EventWriter writer, RequestActor actor, NpgsqlDataSource dataSource) : IRequestHandler<JoinGroup, GroupResponse>
{
    public async Task<GroupResponse> Handle(JoinGroup request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var code = Domain.Groups.InviteCodes.Normalize(request.InviteCode);
        await using var command = dataSource.CreateCommand("SELECT group_id FROM rm.groups WHERE invite_code = $1 LIMIT 1")
            .With(code, NpgsqlDbType.Text);
        if (await command.ExecuteScalarAsync(cancellationToken) is not Guid groupId)
        {
            throw new DomainException(new DomainError(
                DomainErrorCodes.InviteCodeInvalid,
                "Invite code not valid",
                "This invite code does not open any group. Ask your coach for the current one.",
                ErrorKind.NotFound));
        }

        var written = await writer.WriteAsync<Group>(
            StreamIds.Group(groupId),
            Group.Evolve,
            (state, now) => GroupDecisions.Decide(new Domain.Groups.JoinGroup(code), state, me.MemberId, now),
            me,
            new WriteOptions(nameof(JoinGroup)),
            cancellationToken);
        await MemberZones.EnsureAsync(writer, me, cancellationToken);
        return GroupResponse.From(written.State!, me.MemberId, written.Version);
    }
}

internal static class JoinGroupEndpoint
{
    public static RouteGroupBuilder MapJoinGroup(this RouteGroupBuilder groups)
    {
        groups.MapPost("/join", async (JoinGroupRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var group = await mediator.Send(new JoinGroup(body.InviteCode), ct);
                ETags.Set(http, group.Version);
                return TypedResults.Ok(group);
            })
            .RequireAccess(AccessRule.Authenticated)
            .WithIdempotency()
            .WithName("JoinGroup")
            .WithSummary("Join a group with its invite code.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return groups;
    }
}
