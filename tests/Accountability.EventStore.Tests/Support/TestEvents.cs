using Accountability.EventStore.Projections;
using Npgsql;

namespace Accountability.EventStore.Tests.Support;

public sealed record Deposited(int Amount, int HoldMs = 0, bool Fail = false);

public sealed record Withdrawn(int Amount);

public sealed record Noted(string Text);

/// <summary>Not registered on purpose.</summary>
public sealed record Unregistered(string Text);

/// <summary>Records every event it sees, one row per sighting: duplicates and gaps become countable.</summary>
public sealed class SeenProjection : IProjection
{
    public string Name => "seen";

    public IReadOnlyCollection<Type> EventTypes => [];

    public IReadOnlyList<string> Schema => ["CREATE TABLE IF NOT EXISTS public.seen (seq bigint NOT NULL, stream_id text NOT NULL, version bigint NOT NULL)"];

    public IReadOnlyList<string> Tables => ["public.seen"];

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        await using var command = context.CreateCommand("INSERT INTO public.seen (seq, stream_id, version) SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[])");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => e.Sequence).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.StreamId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => e.Version).ToArray() });
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Balance per stream from deposits and withdrawals: a typical multi-event aggregate read model.</summary>
public sealed class BalanceProjection : IProjection
{
    public string Name => "balances";

    public IReadOnlyCollection<Type> EventTypes => [typeof(Deposited), typeof(Withdrawn)];

    public IReadOnlyList<string> Schema => ["CREATE TABLE IF NOT EXISTS public.balances (stream_id text PRIMARY KEY, balance bigint NOT NULL, movements int NOT NULL, last_seq bigint NOT NULL)"];

    public IReadOnlyList<string> Tables => ["public.balances"];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var delta = e.Data switch
            {
                Deposited d => d.Amount,
                Withdrawn w => -w.Amount,
                _ => 0,
            };
            var command = context.Enqueue(
                """
                INSERT INTO public.balances (stream_id, balance, movements, last_seq) VALUES ($1, $2, 1, $3)
                ON CONFLICT (stream_id) DO UPDATE SET balance = balances.balance + excluded.balance,
                    movements = balances.movements + 1, last_seq = excluded.last_seq
                WHERE balances.last_seq < excluded.last_seq
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.StreamId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = delta });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Sequence });
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// Inline: a per-stream total the writer sees at once. Deposits may ask it to hold the append's transaction
/// open (<see cref="Deposited.HoldMs"/>) or to fail it after sequence numbers were drawn (<see cref="Deposited.Fail"/>).
/// Its table refuses a negative total, so a deposit below zero fails its append in PostgreSQL, in the projection's write.
/// </summary>
public class StreamTotalProjection : IProjection
{
    public string Name => "stream_totals";

    public virtual bool QueuesWritesOnly => false;

    public IReadOnlyCollection<Type> EventTypes => [typeof(Deposited)];

    public IReadOnlyList<string> Schema => ["CREATE TABLE IF NOT EXISTS public.stream_totals (stream_id text PRIMARY KEY, total bigint NOT NULL CHECK (total >= 0), version bigint NOT NULL)"];

    public IReadOnlyList<string> Tables => ["public.stream_totals"];

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var deposit = (Deposited)e.Data;
            if (deposit.Fail && !context.IsRebuild)
            {
                throw new InvalidOperationException("This deposit fails its append on purpose.");
            }

            if (deposit.HoldMs > 0 && !context.IsRebuild)
            {
                await using var sleep = context.CreateCommand($"SELECT pg_sleep({deposit.HoldMs / 1000.0:0.000})");
                await sleep.ExecuteNonQueryAsync(ct);
            }

            var command = context.Enqueue(
                """
                INSERT INTO public.stream_totals (stream_id, total, version) VALUES ($1, $2, $3)
                ON CONFLICT (stream_id) DO UPDATE SET total = stream_totals.total + excluded.total, version = excluded.version
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.StreamId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = deposit.Amount });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Version });
        }
    }
}

/// <summary>
/// The same totals, declared to only queue writes: the writer applies it ahead of the append and sends its writes in
/// the append's round trip. A deposit that asks to hold the transaction makes it run a command, which is refused.
/// </summary>
public sealed class StreamTotalAheadProjection : StreamTotalProjection
{
    public override bool QueuesWritesOnly => true;
}

/// <summary>Fails on one marked note, every time: its event must go to the dead letters and the rest must pass.</summary>
public sealed class PickyProjection : IProjection
{
    public string Name => "picky";

    public IReadOnlyCollection<Type> EventTypes => [typeof(Noted)];

    public IReadOnlyList<string> Schema => ["CREATE TABLE IF NOT EXISTS public.notes (seq bigint PRIMARY KEY, text text NOT NULL)"];

    public IReadOnlyList<string> Tables => ["public.notes"];

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var note = (Noted)e.Data;
            if (note.Text == "poison")
            {
                throw new InvalidOperationException("poison note");
            }

            await using var command = context.CreateCommand("INSERT INTO public.notes (seq, text) VALUES ($1, $2) ON CONFLICT DO NOTHING");
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Sequence });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = note.Text });
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}

/// <summary>Records, for every note, the <c>synchronous_commit</c> setting in force when its transaction commits.</summary>
public abstract class CommitModeProjection(string name, string table) : IProjection
{
    public string Name => name;

    public IReadOnlyCollection<Type> EventTypes => [typeof(Noted)];

    public IReadOnlyList<string> Schema => [$"CREATE TABLE IF NOT EXISTS {table} (seq bigint PRIMARY KEY, mode text NOT NULL)"];

    public IReadOnlyList<string> Tables => [table];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var command = context.Enqueue($"INSERT INTO {table} (seq, mode) SELECT s, current_setting('synchronous_commit') FROM unnest($1::bigint[]) AS s ON CONFLICT DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => e.Sequence).ToArray() });
        return Task.CompletedTask;
    }
}

public sealed class AsyncCommitModes() : CommitModeProjection("async-commit-modes", "public.async_commit_modes");

public sealed class InlineCommitModes() : CommitModeProjection("inline-commit-modes", "public.inline_commit_modes");
