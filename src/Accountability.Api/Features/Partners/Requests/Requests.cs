using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Partners.Pairs;
using Accountability.Api.Identity;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using FluentValidation;
using MediatR;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Partners.Requests;

/// <summary>A partner request; <c>status</c>: pending, withdrawn, accepted, declined (or expired: pending past 14 days).</summary>
public sealed record PartnerRequestResponse(
    Guid RequestId,
    Guid GroupId,
    Guid RequesterId,
    Guid TargetId,
    string? Message,
    DateTimeOffset RequestedAt,
    string Status,
    DateTimeOffset? AnsweredAt);

/// <summary>POST /api/v1/groups/{groupId}/partner-requests: <c>{"requestId":"…","targetId":"…","message":"…"}</c>.</summary>
public sealed record RequestPartnerRequest(Guid? RequestId, Guid TargetId, string? Message);

/// <summary>A member asks another to be their accountability partner; the other accepts or declines.</summary>
public sealed record RequestPartner(Guid GroupId, Guid RequestId, Guid TargetId, string? Message) : IRequest<(PartnerRequestResponse Request, long Version)>;

public sealed record WithdrawPartnerRequest(Guid GroupId, Guid RequestId) : IRequest<long>;

/// <summary>POST .../partner-requests/{requestId}/accept: <c>{"pairId":"…"}</c> (optional).</summary>
public sealed record AcceptPartnerRequestRequest(Guid? PairId);

public sealed record AcceptPartnerRequest(Guid GroupId, Guid RequestId, Guid PairId) : IRequest<(PairResponse Pair, long Version)>;

public sealed record DeclinePartnerRequest(Guid GroupId, Guid RequestId) : IRequest<long>;

/// <summary>GET /api/v1/groups/{groupId}/partner-requests: requests the caller made or received in the group.</summary>
public sealed record GetPartnerRequests(Guid GroupId, Guid? RequestId = null) : IRequest<IReadOnlyList<PartnerRequestResponse>>;

internal sealed class RequestPartnerValidator : AbstractValidator<RequestPartner>
{
    public RequestPartnerValidator()
    {
        RuleFor(c => c.RequestId).RequiredId();
        RuleFor(c => c.TargetId).RequiredId();
        RuleFor(c => c.Message).MultiLine();
    }
}

internal sealed class RequestPartnerHandler(EventWriter writer, RequestActor actor) : IRequestHandler<RequestPartner, (PartnerRequestResponse Request, long Version)>
{
    public async Task<(PartnerRequestResponse Request, long Version)> Handle(RequestPartner request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var written = await writer.WriteMemberAsync(me, new WriteOptions(nameof(RequestPartner), ClientId: request.RequestId),
            async (state, now) =>
            {
                var group = await writer.LoadGroupAsync(request.GroupId, cancellationToken);
                return MemberDecisions.Decide(new Domain.Members.RequestPartner(request.RequestId, request.GroupId, request.TargetId, request.Message), state, group!, me.MemberId, now);
            },
            cancellationToken);
        var r = written.State!.PartnerRequests[request.RequestId];
        return (new PartnerRequestResponse(r.RequestId, r.GroupId, r.RequesterId, r.TargetId, r.Message, r.RequestedAt, "pending", null), written.Version);
    }
}

internal sealed class WithdrawPartnerRequestHandler(EventWriter writer, RequestActor actor) : IRequestHandler<WithdrawPartnerRequest, long>
{
    public async Task<long> Handle(WithdrawPartnerRequest request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        return (await writer.WriteMemberAsync(me, new WriteOptions(nameof(WithdrawPartnerRequest)),
            async (state, now) =>
            {
                var group = await writer.LoadGroupAsync(request.GroupId, cancellationToken);
                return MemberDecisions.Decide(new Domain.Members.WithdrawPartnerRequest(request.RequestId), state, group!, me.MemberId, now);
            },
            cancellationToken)).Version;
    }
}

internal sealed class AcceptPartnerRequestHandler(EventWriter writer, RequestActor actor, NpgsqlDataSource dataSource)
    : IRequestHandler<AcceptPartnerRequest, (PairResponse Pair, long Version)>
{
    public async Task<(PairResponse Pair, long Version)> Handle(AcceptPartnerRequest request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        PartnerRequest? asked = null;
        var written = await writer.WriteAsync<Group>(Domain.Common.StreamIds.Group(request.GroupId), Group.Evolve,
            async (state, now) =>
            {
                asked = await PartnerRequestLookup.FindAsync(writer, dataSource, request.GroupId, request.RequestId, cancellationToken);
                return GroupDecisions.Decide(new Domain.Groups.AcceptPartnerRequest(request.RequestId, request.PairId), state, asked, me.MemberId, now);
            },
            me, new WriteOptions(nameof(AcceptPartnerRequest), ClientId: request.RequestId), cancellationToken);
        var pair = written.State!.Pairs.Values.FirstOrDefault(p => p.Includes(me.MemberId) && asked is not null && p.Includes(asked.RequesterId))
            ?? throw ProblemException.Conflict("You accepted this request before, and that partnership has since ended; ask again to pair up anew.");
        return (new PairResponse(pair.PairId, request.GroupId, pair.FirstMemberId, pair.SecondMemberId, pair.PairedAt), written.Version);
    }
}

internal sealed class DeclinePartnerRequestHandler(EventWriter writer, RequestActor actor, NpgsqlDataSource dataSource) : IRequestHandler<DeclinePartnerRequest, long>
{
    public async Task<long> Handle(DeclinePartnerRequest request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var asked = await PartnerRequestLookup.FindAsync(writer, dataSource, request.GroupId, request.RequestId, cancellationToken);
        return (await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(nameof(DeclinePartnerRequest)),
            (state, now) => GroupDecisions.Decide(new Domain.Groups.DeclinePartnerRequest(request.RequestId), state, asked, me.MemberId, now),
            cancellationToken)).Version;
    }
}

internal static class PartnerRequestLookup
{
    /// <summary>The request as folded on its requester's stream (the table only says whose stream that is).</summary>
    public static async Task<PartnerRequest?> FindAsync(EventWriter writer, NpgsqlDataSource dataSource, Guid groupId, Guid requestId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT requester_id FROM rm.partner_requests WHERE request_id = $1 AND group_id = $2")
            .With(requestId, NpgsqlDbType.Uuid)
            .With(groupId, NpgsqlDbType.Uuid);
        if (await command.ExecuteScalarAsync(ct) is not Guid requesterId)
        {
            return null;
        }

        var requester = await writer.LoadMemberAsync(requesterId, ct);
        return requester?.PartnerRequests.GetValueOrDefault(requestId);
    }
}

internal sealed class GetPartnerRequestsHandler(NpgsqlDataSource dataSource, CurrentUser user, TimeProvider time)
    : IRequestHandler<GetPartnerRequests, IReadOnlyList<PartnerRequestResponse>>
{
    public async Task<IReadOnlyList<PartnerRequestResponse>> Handle(GetPartnerRequests request, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
                """
                SELECT request_id, requester_id, target_id, message, requested_at, status, answered_at
                  FROM rm.partner_requests
                 WHERE group_id = $1 AND (requester_id = $2 OR target_id = $2) AND ($3::uuid IS NULL OR request_id = $3)
                 ORDER BY requested_at DESC, request_id
                 LIMIT 200
                """)
            .With(request.GroupId, NpgsqlDbType.Uuid)
            .With(user.MemberId, NpgsqlDbType.Uuid)
            .With(request.RequestId, NpgsqlDbType.Uuid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var now = time.GetUtcNow();
        var requests = new List<PartnerRequestResponse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var requestedAt = await reader.GetFieldValueAsync<DateTimeOffset>(4, cancellationToken);
            var status = reader.GetString(5);
            if (status == "pending" && now >= requestedAt + Domain.Partners.PartnerRules.RequestLifetime)
            {
                status = "expired";
            }

            requests.Add(new PartnerRequestResponse(
                reader.GetGuid(0),
                request.GroupId,
                reader.GetGuid(1),
                reader.GetGuid(2),
                await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetString(3),
                requestedAt,
                status,
                await reader.IsDBNullAsync(6, cancellationToken) ? null : await reader.GetFieldValueAsync<DateTimeOffset>(6, cancellationToken)));
        }

        return requests;
    }
}

internal static class PartnerRequestEndpoints
{
    public static RouteGroupBuilder MapPartnerRequests(this RouteGroupBuilder groups)
    {
        groups.MapPost("/{groupId:guid}/partner-requests", async (Guid groupId, RequestPartnerRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var (asked, version) = await mediator.Send(new RequestPartner(groupId, body.RequestId ?? Guid.NewGuid(), body.TargetId, body.Message), ct);
                ETags.Set(http, version);
                return TypedResults.Created($"{PartnersApi.Prefix}/{groupId}/partner-requests/{asked.RequestId}", asked);
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithIdempotency()
            .WithName("RequestPartner")
            .WithSummary("Ask another member of the group to be your accountability partner.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        groups.MapGet("/{groupId:guid}/partner-requests", async (Guid groupId, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetPartnerRequests(groupId), ct)))
            .RequireAccess(AccessRules.GroupMember)
            .WithName("GetPartnerRequests")
            .WithSummary("Partner requests the caller made or received in the group.");

        groups.MapGet("/{groupId:guid}/partner-requests/{requestId:guid}", async Task<Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Ok<PartnerRequestResponse>, Microsoft.AspNetCore.Http.HttpResults.NotFound>> (
                Guid groupId, Guid requestId, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new GetPartnerRequests(groupId, requestId), ct) is [var asked] ? TypedResults.Ok(asked) : TypedResults.NotFound())
            .RequireAccess(AccessRules.GroupMember)
            .WithName("GetPartnerRequest")
            .WithSummary("One partner request the caller made or received.");

        groups.MapPost("/{groupId:guid}/partner-requests/{requestId:guid}/withdraw", async (Guid groupId, Guid requestId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new WithdrawPartnerRequest(groupId, requestId), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithName("WithdrawPartnerRequest")
            .WithSummary("Withdraw a partner request you made, before it is answered.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        groups.MapPost("/{groupId:guid}/partner-requests/{requestId:guid}/accept", async (Guid groupId, Guid requestId, AcceptPartnerRequestRequest? body,
                IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var (pair, version) = await mediator.Send(new AcceptPartnerRequest(groupId, requestId, body?.PairId ?? Domain.Common.DeterministicIds.From("pair", requestId.ToString("D"))), ct);
                ETags.Set(http, version);
                return TypedResults.Created($"{PartnersApi.Prefix}/{groupId}/pairs/{pair.PairId}", pair);
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithIdempotency()
            .WithName("AcceptPartnerRequest")
            .WithSummary("Accept a partner request made to you: you become partners.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        groups.MapPost("/{groupId:guid}/partner-requests/{requestId:guid}/decline", async (Guid groupId, Guid requestId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new DeclinePartnerRequest(groupId, requestId), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithName("DeclinePartnerRequest")
            .WithSummary("Decline a partner request made to you.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return groups;
    }
}
