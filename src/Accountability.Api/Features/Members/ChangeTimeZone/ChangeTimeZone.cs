using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity.Access;
using Accountability.Api.Identity.Accounts;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Common;
using Accountability.Domain.Members;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Accountability.Api.Features.Members.ChangeTimeZone;

/// <summary>PUT /api/v1/me/time-zone: <c>{"timeZoneId":"America/New_York"}</c>.</summary>
public sealed record ChangeTimeZoneRequest(string? TimeZoneId);

public sealed record TimeZoneResponse(string TimeZoneId, string? PreviousTimeZoneId, long Version);

/// <summary>
/// The member moved (or travelled): their days are counted in the new zone from now on. A change never closes a
/// day twice or costs a streak (the day clock takes the kinder close). The account's zone follows, so tokens and
/// profile say the same.
/// </summary>
public sealed record ChangeTimeZone(string TimeZoneId) : IRequest<TimeZoneResponse>;

internal sealed class ChangeTimeZoneValidator : AbstractValidator<ChangeTimeZone>
{
    public ChangeTimeZoneValidator() =>
        RuleFor(c => c.TimeZoneId).SingleLine();
}

internal sealed class ChangeTimeZoneHandler(EventWriter writer, RequestActor actor, AccountsDbContext accounts)
    : IRequestHandler<ChangeTimeZone, TimeZoneResponse>
{
    public async Task<TimeZoneResponse> Handle(ChangeTimeZone request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        string? previous = null;
        var written = await writer.WriteAsync<Member>(
            StreamIds.Member(me.MemberId),
            Member.Evolve,
            (state, now) =>
            {
                previous = state?.TimeZoneId;
                return MemberDecisions.Decide(new Domain.Members.ChangeTimeZone(request.TimeZoneId), state, me.MemberId, now);
            },
            me with { TimeZone = request.TimeZoneId },
            new WriteOptions(nameof(ChangeTimeZone)),
            cancellationToken);

        await accounts.Users.Where(a => a.Id == me.MemberId && a.TimeZone != request.TimeZoneId)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.TimeZone, request.TimeZoneId), cancellationToken);
        return new TimeZoneResponse(request.TimeZoneId, previous, written.Version);
    }
}

internal static class ChangeTimeZoneEndpoint
{
    public static RouteGroupBuilder MapChangeTimeZone(this RouteGroupBuilder me)
    {
        me.MapPut("/time-zone", async (ChangeTimeZoneRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var response = await mediator.Send(new ChangeTimeZone(body.TimeZoneId ?? string.Empty), ct);
                ETags.Set(http, response.Version);
                return TypedResults.Ok(response);
            })
            .RequireAccess(AccessRule.Authenticated)
            .WithName("ChangeTimeZone")
            .WithSummary("Change the member's time zone; their days count in it from now on.")
            .ProducesValidationProblem();
        return me;
    }
}
