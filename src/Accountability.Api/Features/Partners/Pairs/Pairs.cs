using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Groups;
using FluentValidation;
using MediatR;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Partners.Pairs;

public sealed record PairResponse(Guid PairId, Guid GroupId, Guid FirstMemberId, Guid SecondMemberId, DateTimeOffset PairedAt);

/// <summary>POST /api/v1/groups/{groupId}/pairs: <c>{"pairId":"…","firstMemberId":"…","secondMemberId":"…"}</c> (<c>pairId</c> optional).</summary>
public sealed record AssignPartnersRequest(Guid? PairId, Guid FirstMemberId, Guid SecondMemberId);

/// <summary>A coach pairs two active members (each has at most three partners).</summary>
public sealed record AssignPartners(Guid GroupId, Guid PairId, Guid FirstMemberId, Guid SecondMemberId) : IRequest<(PairResponse Pair, long Version)>;

/// <summary>DELETE /api/v1/groups/{groupId}/pairs/{pairId}: either partner, or the group's staff, ends a partnership.</summary>
public sealed record EndPartnership(Guid GroupId, Guid PairId) : IRequest<long>;

/// <summary>GET /api/v1/groups/{groupId}/pairs: the group's current pairs.</summary>
public sealed record GetPairs(Guid GroupId) : IRequest<IReadOnlyList<PairResponse>>;

internal sealed class AssignPartnersValidator : AbstractValidator<AssignPartners>
{
    public AssignPartnersValidator()
    {
        RuleFor(c => c.PairId).RequiredId();
        RuleFor(c => c.FirstMemberId).RequiredId();
        RuleFor(c => c.SecondMemberId).RequiredId();
    }
}

internal sealed class AssignPartnersHandler(EventWriter writer, RequestActor actor) : IRequestHandler<AssignPartners, (PairResponse Pair, long Version)>
{
    public async Task<(PairResponse Pair, long Version)> Handle(AssignPartners request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var written = await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(nameof(AssignPartners), ClientId: request.PairId),
            (state, now) => GroupDecisions.Decide(new Domain.Groups.AssignPartners(request.PairId, request.FirstMemberId, request.SecondMemberId), state, me.MemberId, now),
            cancellationToken);
        return (PairResponses.From(written.State!, request.PairId), written.Version);
    }
}

internal sealed class EndPartnershipHandler(EventWriter writer, RequestActor actor) : IRequestHandler<EndPartnership, long>
{
    public async Task<long> Handle(EndPartnership request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        return (await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(nameof(EndPartnership)),
            (state, now) => GroupDecisions.Decide(new Domain.Groups.EndPartnership(request.PairId), state, me.MemberId, now), cancellationToken)).Version;
    }
}

internal sealed class GetPairsHandler(NpgsqlDataSource dataSource) : IRequestHandler<GetPairs, IReadOnlyList<PairResponse>>
{
    public async Task<IReadOnlyList<PairResponse>> Handle(GetPairs request, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
                "SELECT pair_id, member_a, member_b, paired_at FROM rm.partner_pairs WHERE group_id = $1 ORDER BY paired_at, pair_id")
            .With(request.GroupId, NpgsqlDbType.Uuid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pairs = new List<PairResponse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pairs.Add(new PairResponse(reader.GetGuid(0), request.GroupId, reader.GetGuid(1), reader.GetGuid(2), await reader.GetFieldValueAsync<DateTimeOffset>(3, cancellationToken)));
        }

        return pairs;
    }
}

internal static class PairResponses
{
    public static PairResponse From(Group group, Guid pairId)
    {
        var pair = group.Pairs[pairId];
        return new PairResponse(pair.PairId, group.Id, pair.FirstMemberId, pair.SecondMemberId, pair.PairedAt);
    }
}

internal static class PairEndpoints
{
    public static RouteGroupBuilder MapPairs(this RouteGroupBuilder groups)
    {
        groups.MapPost("/{groupId:guid}/pairs", async (Guid groupId, AssignPartnersRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var (pair, version) = await mediator.Send(new AssignPartners(groupId, body.PairId ?? Guid.NewGuid(), body.FirstMemberId, body.SecondMemberId), ct);
                ETags.Set(http, version);
                return TypedResults.Created($"{PartnersApi.Prefix}/{groupId}/pairs/{pair.PairId}", pair);
            })
            .RequireAccess(AccessRules.GroupStaff)
            .WithIdempotency()
            .WithName("AssignPartners")
            .WithSummary("Pair two active members as accountability partners.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        groups.MapGet("/{groupId:guid}/pairs", async (Guid groupId, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetPairs(groupId), ct)))
            .RequireAccess(AccessRules.GroupMember)
            .WithName("GetPairs")
            .WithSummary("The group's accountability pairs.");

        groups.MapGet("/{groupId:guid}/pairs/{pairId:guid}", async Task<Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Ok<PairResponse>, Microsoft.AspNetCore.Http.HttpResults.NotFound>> (
                Guid groupId, Guid pairId, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new GetPairs(groupId), ct)).FirstOrDefault(p => p.PairId == pairId) is { } pair ? TypedResults.Ok(pair) : TypedResults.NotFound())
            .RequireAccess(AccessRules.GroupMember)
            .WithName("GetPair")
            .WithSummary("One accountability pair of the group.");

        groups.MapDelete("/{groupId:guid}/pairs/{pairId:guid}", async (Guid groupId, Guid pairId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new EndPartnership(groupId, pairId), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithName("EndPartnership")
            .WithSummary("End a partnership (either partner, or the group's staff).")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return groups;
    }
}
