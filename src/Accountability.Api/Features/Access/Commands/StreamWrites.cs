using Accountability.Domain.Common;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;

namespace Accountability.Api.Features.Access.Commands;

/// <summary>The three stream families, written and read through <see cref="EventWriter"/>.</summary>
public static class StreamWrites
{
    public static Task<Written<Group>> WriteGroupAsync(
        this EventWriter writer, Guid groupId, Actor actor, WriteOptions options, Func<Group?, DateTimeOffset, IReadOnlyList<object>> decide, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer.WriteAsync(StreamIds.Group(groupId), Group.Evolve, decide, actor, options, ct);
    }

    public static Task<Written<Goal>> WriteGoalAsync(
        this EventWriter writer, Guid goalId, Actor actor, WriteOptions options, Func<Goal?, DateTimeOffset, Task<IReadOnlyList<object>>> decide, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer.WriteAsync(StreamIds.Goal(goalId), Goal.Evolve, decide, actor, options, ct);
    }

    public static Task<Written<Member>> WriteMemberAsync(
        this EventWriter writer, Actor actor, WriteOptions options, Func<Member?, DateTimeOffset, Task<IReadOnlyList<object>>> decide, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(actor);
        return writer.WriteAsync(StreamIds.Member(actor.MemberId), Member.Evolve, decide, actor, options, ct);
    }

    public static Task<Group?> LoadGroupAsync(this EventWriter writer, Guid groupId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer.LoadAsync<Group>(StreamIds.Group(groupId), Group.Evolve, ct);
    }

    public static Task<Member?> LoadMemberAsync(this EventWriter writer, Guid memberId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer.LoadAsync<Member>(StreamIds.Member(memberId), Member.Evolve, ct);
    }

    public static Task<Goal?> LoadGoalAsync(this EventWriter writer, Guid goalId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer.LoadAsync<Goal>(StreamIds.Goal(goalId), Goal.Evolve, ct);
    }
}
