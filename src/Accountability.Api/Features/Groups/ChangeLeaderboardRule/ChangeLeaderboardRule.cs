using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Common;
using Accountability.Domain.Groups;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Mvc;

namespace Accountability.Api.Features.Groups.ChangeLeaderboardRule;

/// <summary>PUT /api/v1/groups/{groupId}/leaderboard-rule: <c>{"basis":"consistency","minimumDue":3}</c>.</summary>
public sealed record ChangeLeaderboardRuleRequest(string? Basis, int? MinimumDue);

/// <summary>A new rule version: boards are recomputed from history with it, never "from now on".</summary>
public sealed record ChangeLeaderboardRule(Guid GroupId, string? Basis, int? MinimumDue, long? IfMatch) : IRequest<GroupResponse>;

internal sealed class ChangeLeaderboardRuleValidator : AbstractValidator<ChangeLeaderboardRule>
{
    public ChangeLeaderboardRuleValidator()
    {
        RuleFor(c => c.Basis).NotNull().WithMessage("Send the basis: " + WireNames.LeaderboardBasis.Expected + ".").OneOf(WireNames.LeaderboardBasis);
        RuleFor(c => c.MinimumDue).NotNull().WithMessage("Send the minimum number of due days to be ranked.");
    }
}

internal sealed class ChangeLeaderboardRuleHandler(EventWriter writer, RequestActor actor) : IRequestHandler<ChangeLeaderboardRule, GroupResponse>
{
    public async Task<GroupResponse> Handle(ChangeLeaderboardRule request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var command = new Domain.Groups.ChangeLeaderboardRule(WireNames.LeaderboardBasis.Parse(request.Basis!), request.MinimumDue!.Value);
        var written = await writer.WriteAsync<Group>(
            StreamIds.Group(request.GroupId),
            Group.Evolve,
            (state, now) => GroupDecisions.Decide(command, state, me.MemberId, now),
            me,
            new WriteOptions(nameof(ChangeLeaderboardRule), request.IfMatch),
            cancellationToken);
        return GroupResponse.From(written.State!, me.MemberId, written.Version);
    }
}

internal static class ChangeLeaderboardRuleEndpoint
{
    public static RouteGroupBuilder MapChangeLeaderboardRule(this RouteGroupBuilder groups)
    {
        groups.MapPut("/{groupId:guid}/leaderboard-rule", async (Guid groupId, ChangeLeaderboardRuleRequest body,
                [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var group = await mediator.Send(new ChangeLeaderboardRule(groupId, body.Basis, body.MinimumDue, ETags.ParseIfMatch(ifMatch)), ct);
                ETags.Set(http, group.Version);
                return TypedResults.Ok(group);
            })
            .RequireAccess(AccessRules.GroupCoach)
            .WithName("ChangeLeaderboardRule")
            .WithSummary("Change what the group's boards rank by; boards are recomputed from history.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return groups;
    }
}
