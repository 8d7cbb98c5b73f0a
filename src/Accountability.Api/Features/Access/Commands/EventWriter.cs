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
/// whatever else it needs), append with the fetched version. The first attempt decides on the states this process
/// keeps in memory, without reading the database when they are kept: the append expects the stream's version and
/// checks that every other stream the decision loaded (<see cref="LoadAsync{T}"/>) is still at the version it used,
/// so a stale state costs a retry, never a wrong decision. An attempt that would answer without appending (a
/// refusal, a no-op) on such states is decided again on the latest ones. When another writer got in between and
/// the client did not pin a version with If-Match, fetch and decide again, up to three more times, so a busy group
/// stream never turns an honest command into a 409. Decisions are naturally idempotent (a retry that would change
/// nothing decides no events), and event ids derived from the client's id make a replayed append a no-op.
/// </summary>
public sealed class EventWriter(IEventStore store, TimeProvider time)
{
    public const int MaxRetries = 3;

    /// <summary>The streams the decision being made in this flow has loaded; null outside a decision.</summary>
    private static readonly AsyncLocal<DecisionReads?> Reading = new();

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
            var mode = attempt == 0 && options.IfMatch is null ? FetchMode.Optimistic : FetchMode.Latest;
            var stream = await store.FetchForWritingAsync(streamId, evolve, mode, ct);
            if (options.IfMatch is { } pinned && pinned != stream.Version)
            {
                throw ETags.PreconditionFailed(stream.Version);
            }

            var reads = new DecisionReads(streamId, mode, stream.Confirmed);
            IReadOnlyList<object> events;
            Reading.Value = reads;
            try
            {
                events = await decide(stream.State, options.At ?? time.GetUtcNow());
            }
            catch (Exception refusal) when (refusal is not OperationCanceledException && !reads.AllConfirmed)
            {
                // Refused on states kept in memory, which may be behind: only the latest ones may refuse.
                continue;
            }
            finally
            {
                Reading.Value = null;
            }

            if (events.Count == 0)
            {
                if (!reads.AllConfirmed)
                {
                    continue;
                }

                return new Written<T>(stream.State, stream.Version, []);
            }

            var data = events
                .Select((e, i) => new EventData(EventId(streamId, options, stream.Version, i), e, actor.Metadata))
                .ToList();
            try
            {
                var result = await store.AppendDecisionAsync(stream, evolve, data, reads.Expectations, ct);
                var state = events.Aggregate(stream.State, evolve);
                return new Written<T>(state, result.Version, result.AlreadyAppended ? [] : events);
            }
            catch (ConcurrencyException conflict) when (options.IfMatch is not null && !conflict.IsReadConflict)
            {
                throw ETags.PreconditionFailed(conflict.ActualVersion);
            }
            catch (ConcurrencyException) when (attempt < MaxRetries)
            {
                // A state kept in memory was behind: decide again at once on the latest. Otherwise someone else
                // appended first: decide again on what they wrote, after a short random pause so that writers who
                // collided (a class joining with the same code) do not collide again in lockstep.
                if (reads.AllConfirmed)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(10, 40) << attempt), ct);
                }
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

    /// <summary>
    /// A stream folded as it is now, for the other states a decision needs (never appended to here). Inside a
    /// decision the version used is recorded, and the decision's append goes through only if the stream is still
    /// there; outside one, the latest state.
    /// </summary>
    public async Task<T?> LoadAsync<T>(string streamId, Func<T?, object, T?> evolve, CancellationToken ct)
    {
        if (Reading.Value is not { } reads)
        {
            return await store.AggregateStreamAsync(streamId, evolve, ct: ct);
        }

        var stream = await store.FetchForWritingAsync(streamId, evolve, reads.Mode, ct);
        reads.Add(stream.AsRead(), stream.Confirmed);
        return stream.State;
    }

    /// <summary>
    /// With a client id, the same act decided on the same version gets the same event ids, so an append replayed
    /// after a lost answer is recognised by the store; the version is part of the id because one client id may
    /// act twice (a check-in posted, then amended with the same id).
    /// </summary>
    private static Guid EventId(string streamId, WriteOptions options, long version, int index) =>
        options.ClientId is { } clientId
            ? DeterministicIds.From("event", streamId, options.Command, clientId.ToString("D"), version.ToString(System.Globalization.CultureInfo.InvariantCulture), index.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : Guid.NewGuid();

    /// <summary>What one attempt of a decision read besides the stream it writes, and whether all of it was read from the database.</summary>
    private sealed class DecisionReads(string writtenStreamId, FetchMode mode, bool writtenConfirmed)
    {
        private readonly List<StreamRead> expectations = [];
        private readonly Lock gate = new();

        public FetchMode Mode => mode;

        public bool AllConfirmed { get; private set; } = writtenConfirmed;

        public IReadOnlyList<StreamRead> Expectations
        {
            get
            {
                lock (gate)
                {
                    return [.. expectations];
                }
            }
        }

        public void Add(StreamRead read, bool confirmed)
        {
            lock (gate)
            {
                AllConfirmed &= confirmed;
                if (read.StreamId != writtenStreamId && !expectations.Contains(read))
                {
                    expectations.Add(read);
                }
            }
        }
    }
}
