using System.Security.Cryptography;
using Accountability.Domain.Common;
using Accountability.EventStore;

namespace Accountability.Api.Features.Access.Commands;

/// <summary>What a command wrote: the stream's state and version after it, and the new events (none for a no-op retry).</summary>
public sealed record Written<T>(T? State, long Version, IReadOnlyList<object> Events)
{
    public bool Changed => Events.Count > 0;
}

/// <summary>How a write guards itself against concurrent writers and retries.</summary>
/// <param name="IfMatch">The version the client read (If-Match): a mismatch is 412 and nothing is retried.</param>
/// <param name="ClientId">The client's own id for this act (check-in id, pause id ...): event ids derive from it.</param>
/// <param name="At">Decide as of this instant instead of now: for replaying a history (the demo cohort), never for requests.</param>
public sealed record WriteOptions(string Command, long? IfMatch = null, Guid? ClientId = null, DateTimeOffset? At = null);

/// <summary>
/// The write path every command takes: fetch the stream for writing, decide (pure domain decision, fed with
/// whatever else it needs), append with the fetched version. When another writer got in between and the client
/// did not pin a version with If-Match, fetch and decide again, up to three more times, so a busy group stream
/// never turns an honest command into a 409. Decisions are naturally idempotent (a retry that would change
/// nothing decides no events), and event ids derived from the client's id make a replayed append a no-op.
/// </summary>
public sealed class EventWriter(IEventStore store, TimeProvider time)
{
    public const int MaxRetries = 3;

    public IEventStore Store => store;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <param name="decide">Given the fetched state and "now", the events to append (or a <see cref="DomainException"/>).</param>
    public async Task<Written<T>> WriteAsync<T>(
        string streamId,
        Func<T?, object, T?> evolve,
        Func<T?, DateTimeOffset, Task<IReadOnlyList<object>>> decide,
        Actor actor,
        WriteOptions options,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(evolve);
        ArgumentNullException.ThrowIfNull(decide);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(options);
        for (var attempt = 0; ; attempt++)
        {
            var stream = await store.FetchForWritingAsync(streamId, evolve, ct);
            if (options.IfMatch is { } pinned && pinned != stream.Version)
            {
                throw ETags.PreconditionFailed(stream.Version);
            }

            var events = await decide(stream.State, options.At ?? time.GetUtcNow());
            if (events.Count == 0)
            {
                return new Written<T>(stream.State, stream.Version, []);
            }

            var data = events
                .Select((e, i) => new EventData(EventId(streamId, options, stream.Version, i), e, actor.Metadata))
                .ToList();
            try
            {
                var result = await store.AppendAsync(streamId, stream.ExpectedVersion, data, ct);
                var state = events.Aggregate(stream.State, evolve);
                return new Written<T>(state, result.Version, result.AlreadyAppended ? [] : events);
            }
            catch (ConcurrencyException conflict) when (options.IfMatch is not null)
            {
                throw ETags.PreconditionFailed(conflict.ActualVersion);
            }
            catch (ConcurrencyException) when (attempt < MaxRetries)
            {
                // Someone else appended first: decide again on what they wrote, after a short random pause so that
                // writers who collided (a class joining with the same code) do not collide again in lockstep.
                await Task.Delay(TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(10, 40) << attempt), ct);
            }
        }
    }

    /// <summary>Same as <see cref="WriteAsync{T}"/> for a decision that needs no asynchronous reads.</summary>
    public Task<Written<T>> WriteAsync<T>(
        string streamId,
        Func<T?, object, T?> evolve,
        Func<T?, DateTimeOffset, IReadOnlyList<object>> decide,
        Actor actor,
        WriteOptions options,
        CancellationToken ct) =>
        WriteAsync(streamId, evolve, (state, now) => Task.FromResult(decide(state, now)), actor, options, ct);

    /// <summary>A stream folded as it is now, for the other states a decision needs (never appended to here).</summary>
    public Task<T?> LoadAsync<T>(string streamId, Func<T?, object, T?> evolve, CancellationToken ct) =>
        store.AggregateStreamAsync(streamId, evolve, ct: ct);

    /// <summary>
    /// With a client id, the same act decided on the same version gets the same event ids, so an append replayed
    /// after a lost answer is recognised by the store; the version is part of the id because one client id may
    /// act twice (a check-in posted, then amended with the same id).
    /// </summary>
    private static Guid EventId(string streamId, WriteOptions options, long version, int index) =>
        options.ClientId is { } clientId
            ? DeterministicIds.From("event", streamId, options.Command, clientId.ToString("D"), version.ToString(System.Globalization.CultureInfo.InvariantCulture), index.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : Guid.NewGuid();
}
