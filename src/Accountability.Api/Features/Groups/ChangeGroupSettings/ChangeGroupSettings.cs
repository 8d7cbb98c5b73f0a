using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Common;
using Accountability.Domain.Groups;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Mvc;

namespace Accountability.Api.Features.Groups.ChangeGroupSettings;

/// <summary>
/// PATCH /api/v1/groups/{groupId}: only the fields sent change. <c>prompts</c> replaces the whole list (keep a
/// question's <c>promptId</c> to keep its answers linked). A new grace applies to days that start after the
/// change, so no open day is shortened. Send <c>If-Match</c> with the group's ETag to avoid overwriting a
/// co-coach's change.
/// </summary>
public sealed record ChangeGroupSettingsRequest(
    string? Name,
    string? Description,
    string? TimeZoneId,
    IReadOnlyList<PromptRequest?>? Prompts,
    int? GraceMinutes,
    string? NumbersVisibility);

public sealed record ChangeGroupSettings(
    Guid GroupId,
    string? Name,
    string? Description,
    string? TimeZoneId,
    IReadOnlyList<PromptRequest?>? Prompts,
    int? GraceMinutes,
    string? NumbersVisibility,
    long? IfMatch) : IRequest<GroupResponse>;

internal sealed class ChangeGroupSettingsValidator : AbstractValidator<ChangeGroupSettings>
{
    public ChangeGroupSettingsValidator()
    {
        RuleFor(c => c.Name).SingleLine();
        RuleFor(c => c.Description).MultiLine();
        RuleFor(c => c.TimeZoneId).SingleLine();
        RuleFor(c => c.Prompts).ValidPrompts();
        RuleFor(c => c.NumbersVisibility).OneOf(WireNames.NumbersVisibility);
    }
}

internal sealed class ChangeGroupSettingsHandler(EventWriter writer, RequestActor actor) : IRequestHandler<ChangeGroupSettings, GroupResponse>
{
    public async Task<GroupResponse> Handle(ChangeGroupSettings request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var command = new Domain.Groups.ChangeGroupSettings(
            request.Name,
            request.Description,
            request.TimeZoneId,
            PromptRules.ToDomain(request.Prompts),
            request.GraceMinutes,
            WireNames.NumbersVisibility.ParseOrNull(request.NumbersVisibility));
        var written = await writer.WriteAsync<Group>(
            StreamIds.Group(request.GroupId),
            Group.Evolve,
            (state, now) => GroupDecisions.Decide(command, state, me.MemberId, now),
            me,
            new WriteOptions(nameof(ChangeGroupSettings), request.IfMatch),
            cancellationToken);
        return GroupResponse.From(written.State!, me.MemberId, written.Version);
    }
}

internal static class ChangeGroupSettingsEndpoint
{
    public static RouteGroupBuilder MapChangeGroupSettings(this RouteGroupBuilder groups)
    {
        groups.MapPatch("/{groupId:guid}", async (Guid groupId, ChangeGroupSettingsRequest body, [FromHeader(Name = "If-Match")] string? ifMatch,
                IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var group = await mediator.Send(
                    new ChangeGroupSettings(groupId, body.Name, body.Description, body.TimeZoneId, body.Prompts, body.GraceMinutes,
                        body.NumbersVisibility, ETags.ParseIfMatch(ifMatch)),
                    ct);
                ETags.Set(http, group.Version);
                return TypedResults.Ok(group);
            })
            .RequireAccess(AccessRules.GroupCoach)
            .WithName("ChangeGroupSettings")
            .WithSummary("Change a group's name, description, default time zone, check-in prompts, grace or numbers visibility.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return groups;
    }
}
