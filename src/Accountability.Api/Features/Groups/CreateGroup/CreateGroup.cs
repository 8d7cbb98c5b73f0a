using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Members;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Common;
using Accountability.Domain.Groups;
using FluentValidation;
using MediatR;

namespace Accountability.Api.Features.Groups.CreateGroup;

/// <summary>
/// POST /api/v1/groups. Only <c>name</c> and <c>timeZoneId</c> are required; the rest take the defaults (grace until
/// noon the next day, aggregate-only numbers, consistency leaderboard with a minimum of 3 due days). Send your own
/// <c>groupId</c> to make a retry safe without an Idempotency-Key.
/// </summary>
public sealed record CreateGroupRequest(
    Guid? GroupId,
    string? Name,
    string? Description,
    string? TimeZoneId,
    IReadOnlyList<PromptRequest?>? Prompts,
    int? GraceMinutes,
    string? NumbersVisibility,
    string? LeaderboardBasis,
    int? LeaderboardMinimumDue);

/// <summary>A coach starts a cohort; they become its coach and first member.</summary>
public sealed record CreateGroup(
    Guid GroupId,
    string? Name,
    string? Description,
    string? TimeZoneId,
    IReadOnlyList<PromptRequest?>? Prompts,
    int? GraceMinutes,
    string? NumbersVisibility,
    string? LeaderboardBasis,
    int? LeaderboardMinimumDue) : IRequest<GroupResponse>;

internal sealed class CreateGroupValidator : AbstractValidator<CreateGroup>
{
    public CreateGroupValidator()
    {
        RuleFor(c => c.GroupId).RequiredId();
        RuleFor(c => c.Name).SingleLine();
        RuleFor(c => c.Description).MultiLine();
        RuleFor(c => c.TimeZoneId).SingleLine();
        RuleFor(c => c.Prompts).ValidPrompts();
        RuleFor(c => c.NumbersVisibility).OneOf(WireNames.NumbersVisibility);
        RuleFor(c => c.LeaderboardBasis).OneOf(WireNames.LeaderboardBasis);
    }
}

internal sealed class CreateGroupHandler(EventWriter writer, RequestActor actor) : IRequestHandler<CreateGroup, GroupResponse>
{
    public async Task<GroupResponse> Handle(CreateGroup request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var command = new Domain.Groups.CreateGroup(
            request.GroupId,
            request.Name ?? string.Empty,
            request.Description,
            request.TimeZoneId ?? string.Empty,
            PromptRules.ToDomain(request.Prompts),
            request.GraceMinutes,
            WireNames.NumbersVisibility.ParseOrNull(request.NumbersVisibility),
            WireNames.LeaderboardBasis.ParseOrNull(request.LeaderboardBasis),
            request.LeaderboardMinimumDue);
        var written = await writer.WriteAsync<Group>(
            StreamIds.Group(request.GroupId),
            Group.Evolve,
            (state, now) => GroupDecisions.Decide(command, state, me.MemberId, now),
            me,
            new WriteOptions(nameof(CreateGroup), ClientId: request.GroupId),
            cancellationToken);
        await MemberZones.EnsureAsync(writer, me, cancellationToken);
        return GroupResponse.From(written.State!, me.MemberId, written.Version);
    }
}

internal static class CreateGroupEndpoint
{
    public static RouteGroupBuilder MapCreateGroup(this RouteGroupBuilder groups)
    {
        groups.MapPost("/", async (CreateGroupRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var group = await mediator.Send(
                    new CreateGroup(body.GroupId ?? Guid.NewGuid(), body.Name, body.Description, body.TimeZoneId, body.Prompts,
                        body.GraceMinutes, body.NumbersVisibility, body.LeaderboardBasis, body.LeaderboardMinimumDue),
                    ct);
                ETags.Set(http, group.Version);
                return TypedResults.Created($"{GroupsApi.Prefix}/{group.GroupId}", group);
            })
            .RequireAccess(AccessRule.Authenticated)
            .WithIdempotency()
            .WithName("CreateGroup")
            .WithSummary("Start a cohort; the caller becomes its coach.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return groups;
    }
}
