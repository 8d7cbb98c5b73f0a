using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Accountability.Api.Features.Access;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.EventStore;

namespace Accountability.Api.Features.RealTime;

/// <summary>
/// Remembers the read-model answers the router asks for on every check-in (a goal's visibility, a member's
/// partners, a group's numbers setting), so the relay does not query them once per event. Answers still come from
/// <see cref="Membership"/> (and the access tables); they are forgotten, in log order, by the events that change
/// them, which the relay shows this cache before routing any later event. Display names, which change without an
/// event, are kept by <see cref="MemberNames"/>.
/// </summary>
/// <remarks>
/// An answer read before an invalidation must not be stored after it: every store checks that no invalidation
/// happened since its read began (invalidations are rare, so one counter serves all keys).
/// </remarks>
internal sealed class RoutingCache
{
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<Guid, GoalAccess> goals = new();
    private readonly ConcurrentDictionary<(Guid Group, Guid Member), IReadOnlyList<Guid>> partners = new();
    private readonly ConcurrentDictionary<Guid, StrongBox<NumbersVisibility>> numbers = new();
    private readonly Lock sync = new();
    private long epoch;

    /// <summary>The event types whose facts this cache forgets; the relay follows them too.</summary>
    public static readonly IReadOnlyList<Type> InvalidatingTypes = [typeof(GoalVisibilityChanged), typeof(NumbersVisibilityChanged)];

    /// <summary>Forgets what <paramref name="stored"/> changes. Called in log order, before later events are routed.</summary>
    public void Observe(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        switch (stored.Data)
        {
            case GoalVisibilityChanged e:
                Invalidate(() => goals.TryRemove(e.GoalId, out _));
                break;
            case NumbersVisibilityChanged e:
                Invalidate(() => numbers.TryRemove(e.GroupId, out _));
                break;
            case PartnersPaired e:
                Invalidate(() => ForgetPartners(e.GroupId));
                break;
            case PartnersUnpaired e:
                Invalidate(() => ForgetPartners(e.GroupId));
                break;
            case MemberJoined e:
                Invalidate(() => ForgetPartners(e.GroupId));
                break;
            case MemberLeft e:
                Invalidate(() => ForgetPartners(e.GroupId));
                break;
            case MemberRemoved e:
                Invalidate(() => ForgetPartners(e.GroupId));
                break;
            case MemberReinstated e:
                Invalidate(() => ForgetPartners(e.GroupId));
                break;
        }
    }

    public Task<GoalAccess?> GoalAsync(Guid goalId, Func<Task<GoalAccess?>> read) =>
        GetAsync(goals, goalId, read);

    public async Task<IReadOnlyList<Guid>> PartnersAsync(Guid groupId, Guid memberId, Func<Task<IReadOnlyList<Guid>>> read) =>
        (await GetAsync(partners, (groupId, memberId), async () => (IReadOnlyList<Guid>?)await read()))!;

    /// <summary>The group's numbers setting; the most private one when the group is unknown.</summary>
    public async Task<NumbersVisibility> NumbersAsync(Guid groupId, Func<Task<NumbersVisibility?>> read) =>
        (await GetAsync(numbers, groupId, async () => await read() is { } value ? new StrongBox<NumbersVisibility>(value) : null))?.Value
        ?? NumbersVisibility.Hidden;

    private async Task<TValue?> GetAsync<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache, TKey key, Func<Task<TValue?>> read)
        where TKey : notnull
        where TValue : class
    {
        if (cache.TryGetValue(key, out var known))
        {
            return known;
        }

        var before = Interlocked.Read(ref epoch);
        var value = await read();
        if (value is not null)
        {
            lock (sync)
            {
                // Not if something was forgotten meanwhile: this answer may predate it.
                if (Interlocked.Read(ref epoch) == before)
                {
                    Trim(cache);
                    cache[key] = value;
                }
            }
        }

        return value;
    }

    private void Invalidate(Action forget)
    {
        lock (sync)
        {
            Interlocked.Increment(ref epoch);
            forget();
        }
    }

    /// <summary>A pairing or a membership move changes partner lists on both sides: forget the group's.</summary>
    private void ForgetPartners(Guid groupId)
    {
        foreach (var key in partners.Keys.Where(k => k.Group == groupId))
        {
            partners.TryRemove(key, out _);
        }
    }

    private static void Trim<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache)
        where TKey : notnull
    {
        if (cache.Count >= MaxEntries)
        {
            cache.Clear();
        }
    }
}
