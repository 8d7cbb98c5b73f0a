using Accountability.Api.Features.Access.Commands;
using Accountability.Domain.Common;
using Accountability.Domain.Members;

namespace Accountability.Api.Features.Members;

/// <summary>
/// A member's days are counted in their own zone from their first act in a group: the zone of their account
/// (chosen at registration) is recorded on their member stream the first time they create or join a group,
/// set a goal or declare a pause, unless a zone is already there. Without it their days would silently follow
/// the group's default zone until they changed it themselves.
/// </summary>
internal static class MemberZones
{
    public static Task EnsureAsync(EventWriter writer, Actor actor, CancellationToken ct) =>
        writer.WriteAsync<Member>(
            StreamIds.Member(actor.MemberId),
            Member.Evolve,
            (state, now) => state?.TimeZoneId is null
                ? MemberDecisions.Decide(new Domain.Members.ChangeTimeZone(actor.TimeZone), state, actor.MemberId, now)
                : [],
            actor,
            new WriteOptions("record-first-time-zone"),
            ct);
}
