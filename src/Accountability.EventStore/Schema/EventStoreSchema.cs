using Npgsql;

namespace Accountability.EventStore.Schema;

/// <summary>
/// The store's tables and its append function. Applied at start-up, idempotently, under a transaction-scoped
/// advisory lock so that two processes starting at once apply it one after the other.
/// </summary>
internal sealed class EventStoreSchema(EventStoreOptions options)
{
    private readonly string s = options.QuotedSchema;

    /// <summary>First key of every advisory lock the store takes: derived from the schema name, so two stores in one database never share locks.</summary>
    public int LockClass { get; } = StableHash(options.Schema);

    public const int MigrationLock = 1;
    public const int AppendLock = 2;
    public const int DaemonLock = 3;

    /// <summary>The SQLSTATE with which the append function refuses a batch sent whole that it cannot apply whole.</summary>
    public const string BatchRefusedState = "ES001";

    public string NotifyChannel => $"{options.Schema}_events";

    public async Task ApplyAsync(NpgsqlDataSource dataSource, IEnumerable<string> extraDdl, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockClass}, {MigrationLock})", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        foreach (var ddl in Ddl().Concat(extraDdl))
        {
            await using var command = new NpgsqlCommand(ddl, connection, transaction);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    private IEnumerable<string> Ddl()
    {
        yield return $"CREATE SCHEMA IF NOT EXISTS {s}";
        yield return $"""
            CREATE TABLE IF NOT EXISTS {s}.streams (
                id text PRIMARY KEY,
                type text NOT NULL,
                version bigint NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                archived boolean NOT NULL DEFAULT false)
            """;
        // CACHE 1: numbers are drawn one at a time, only under the append lock (see append_batch).
        yield return $"CREATE SEQUENCE IF NOT EXISTS {s}.events_seq AS bigint CACHE 1 NO CYCLE";
        yield return $$"""
            CREATE TABLE IF NOT EXISTS {{s}}.events (
                seq bigint PRIMARY KEY,
                stream_id text NOT NULL,
                version bigint NOT NULL,
                event_id uuid NOT NULL,
                type text NOT NULL,
                data jsonb NOT NULL,
                metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
                created_at timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT events_stream_version UNIQUE (stream_id, version),
                CONSTRAINT events_event_id UNIQUE (event_id))
            """;
        yield return $"""
            CREATE TABLE IF NOT EXISTS {s}.checkpoints (
                name text PRIMARY KEY,
                position bigint NOT NULL DEFAULT 0,
                updated_at timestamptz NOT NULL DEFAULT now(),
                status text NOT NULL DEFAULT 'running',
                owner text,
                last_error text,
                rebuild_target bigint,
                rebuild_started_at timestamptz)
            """;
        yield return $"""
            CREATE TABLE IF NOT EXISTS {s}.dead_letters (
                id bigserial PRIMARY KEY,
                consumer text NOT NULL,
                seq bigint NOT NULL,
                stream_id text NOT NULL,
                event_type text NOT NULL,
                error text NOT NULL,
                failed_at timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT dead_letters_consumer_seq UNIQUE (consumer, seq))
            """;
        // The append function before it checked the streams a decision read.
        yield return $"DROP FUNCTION IF EXISTS {s}.append_batch(text[], text[], bigint[], int[], uuid[], text[], jsonb[], jsonb[])";
        // The append function before it could refuse a batch as a whole (callers of that one still resolve to the new one).
        yield return $"DROP FUNCTION IF EXISTS {s}.append_batch(text[], text[], bigint[], int[], uuid[], text[], jsonb[], jsonb[], int[], text[], bigint[])";
        yield return AppendFunction();
    }

    /// <summary>
    /// Appends a batch of appends (each: a stream, its expected version and its events) in one call.
    /// Stream rows are created and locked first, in id order (so batches never deadlock each other); each
    /// append's expected version is then checked; only then is the global append lock taken and are
    /// sequence numbers drawn, so a losing append never burns a sequence number. Because the append lock is
    /// held until commit and every sequence number is drawn under it, any number below the highest committed
    /// one belongs to a committed or a rolled-back transaction: max(seq) is a safe high-water mark.
    /// An append whose expected version does not match is looked up by its event ids, so that a retry of an
    /// append that went through is answered as such; a retry with "any" version meets the unique index on
    /// event ids instead, and the writer answers it the same way.
    /// Each append may also name other streams its decision read (p_read_owners: the append's position, with the
    /// stream and the version read): it goes through only if each is still at that version, counting appends made
    /// earlier in the same batch. They are read, not locked: a change committed after the check orders after this
    /// append, as if it had come after it.
    /// Returns one row per append, in input order: status 0 appended, 1 wrong expected version,
    /// 2 already appended (same event ids, same stream), 3 event ids used elsewhere, 4 a stream read has moved on
    /// (first_seq: which read, 1-based over the batch; stream_version: its version).
    /// With p_whole, an append that would not go through refuses the whole batch instead (SQLSTATE
    /// <see cref="BatchRefusedState"/>, raised before the append lock is taken): the writer sends it that way when
    /// the statements after it assume every append went through.
    /// Each call sends one NOTIFY with its last sequence number, delivered only if the transaction commits. The
    /// notify queue's lock is taken at commit, in the order the append lock already imposes, so it adds no waiting.
    /// </summary>
    private string AppendFunction() => $$"""
        CREATE OR REPLACE FUNCTION {{s}}.append_batch(
            p_stream_ids text[], p_stream_types text[], p_expected bigint[], p_counts int[],
            p_event_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[],
            p_read_owners int[], p_read_ids text[], p_read_versions bigint[], p_whole boolean DEFAULT false)
        RETURNS TABLE (status int, stream_version bigint, first_seq bigint, last_seq bigint, committed_at timestamptz)
        LANGUAGE plpgsql AS $fn$
        DECLARE
            n int := coalesce(array_length(p_stream_ids, 1), 0);
            nr int := coalesce(array_length(p_read_ids, 1), 0);
            read_db bigint[];
            r int;
            rk int;
            rv bigint;
            bad boolean;
            m int;
            ids text[];
            kinds text[];
            base bigint[];
            known boolean[];
            vers bigint[];
            st int[];
            nv bigint[];
            fs bigint[];
            ls bigint[];
            offs int[];
            ev_app int[];
            seqs bigint[];
            inserted text[];
            i int;
            k int;
            off int;
            cnt int;
            cur bigint;
            ok_events int;
            found_all int;
            found_here int;
            max_v bigint;
            min_s bigint;
            max_s bigint;
            refused boolean;
            redo boolean;
            created boolean[];
        BEGIN
            IF n = 0 THEN
                RETURN;
            END IF;
            IF n = 1 AND nr > 0 THEN
                -- The other streams the decision read must still be where it read them.
                SELECT u.o, coalesce(rs.version, 0) INTO r, rv
                  FROM unnest(p_read_ids, p_read_versions) WITH ORDINALITY AS u(x, v, o)
                  LEFT JOIN LATERAL (SELECT version FROM {{s}}.streams WHERE id = u.x LIMIT 1) rs ON true
                 WHERE coalesce(rs.version, 0) <> u.v
                 ORDER BY u.o
                 LIMIT 1;
                IF r IS NOT NULL THEN
                    IF p_whole THEN
                        RAISE EXCEPTION 'a stream the decision read has moved on' USING ERRCODE = '{{BatchRefusedState}}';
                    END IF;
                    RETURN QUERY SELECT 4, rv, r::bigint, 0::bigint, now();
                    RETURN;
                END IF;
            END IF;
            IF n = 1 THEN
                -- One append whose expectation holds (the common case at low load): one statement creates or
                -- moves the stream, the row it writes is the lock. Anything else (a missing stream, a wrong
                -- version, a retry) falls through to the general path, which decides and explains.
                cnt := p_counts[1];
                IF p_expected[1] = 0 THEN
                    INSERT INTO {{s}}.streams (id, type, version) VALUES (p_stream_ids[1], p_stream_types[1], cnt)
                    ON CONFLICT (id) DO NOTHING
                    RETURNING version INTO max_v;
                ELSE
                    UPDATE {{s}}.streams SET version = version + cnt, updated_at = now()
                     WHERE id = p_stream_ids[1] AND (p_expected[1] < 0 OR version = p_expected[1])
                    RETURNING version INTO max_v;
                END IF;
                IF max_v IS NOT NULL THEN
                    PERFORM pg_advisory_xact_lock({{LockClass}}, {{AppendLock}});
                    IF cnt = 1 THEN
                        min_s := nextval('{{s}}.events_seq');
                        max_s := min_s;
                        INSERT INTO {{s}}.events (seq, stream_id, version, event_id, type, data, metadata)
                        VALUES (min_s, p_stream_ids[1], max_v, p_event_ids[1], p_types[1], p_data[1], p_metadata[1]);
                    ELSE
                        SELECT array_agg(v) INTO seqs FROM (SELECT nextval('{{s}}.events_seq') AS v FROM generate_series(1, cnt)) g;
                        min_s := seqs[1];
                        max_s := seqs[cnt];
                        INSERT INTO {{s}}.events (seq, stream_id, version, event_id, type, data, metadata)
                        SELECT seqs[e.ord], p_stream_ids[1], max_v - cnt + e.ord, e.id, e.t, e.d, e.md
                          FROM unnest(p_event_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS e(id, t, d, md, ord);
                    END IF;
                    PERFORM pg_notify('{{NotifyChannel}}', max_s::text);
                    RETURN QUERY SELECT 0, max_v, min_s, max_s, now();
                    RETURN;
                END IF;

                -- General path for one append: plain expressions, no helper queries.
                ids := p_stream_ids;
                kinds := p_stream_types;
                m := 1;
                IF p_expected[1] <> 0 THEN
                    SELECT version INTO cur FROM {{s}}.streams WHERE id = ids[1] FOR UPDATE;
                    base := ARRAY[cur];
                ELSE
                    base := ARRAY[NULL::bigint];
                END IF;
                known := ARRAY[base[1] IS NOT NULL];
                created := ARRAY[false];
            ELSE
                SELECT array_agg(x ORDER BY x) INTO ids FROM (SELECT DISTINCT unnest(p_stream_ids) AS x) d;
                m := array_length(ids, 1);
                SELECT array_agg(p_stream_types[array_position(p_stream_ids, x)] ORDER BY o) INTO kinds FROM unnest(ids) WITH ORDINALITY AS u(x, o);

                -- 1. Lock the rows of existing streams, in id order (batches lock in the same order: no deadlock).
                --    Skipped when every append expects a new stream.
                IF EXISTS (SELECT 1 FROM unnest(p_expected) e WHERE e <> 0) THEN
                    SELECT array_agg(l.version ORDER BY u.o) INTO base
                      FROM unnest(ids) WITH ORDINALITY AS u(x, o)
                      LEFT JOIN LATERAL (SELECT version FROM {{s}}.streams WHERE id = u.x FOR UPDATE) l ON true;
                ELSE
                    base := array_fill(NULL::bigint, ARRAY[m]);
                END IF;
                known := ARRAY(SELECT b IS NOT NULL FROM unnest(base) b);
                created := array_fill(false, ARRAY[m]);
            END IF;
            IF nr > 0 THEN
                -- Versions of the streams read (those appended to in this batch are followed in the decisions below).
                SELECT array_agg(coalesce(rs.version, 0) ORDER BY u.o) INTO read_db
                  FROM unnest(p_read_ids) WITH ORDINALITY AS u(x, o)
                  LEFT JOIN LATERAL (SELECT version FROM {{s}}.streams WHERE id = u.x LIMIT 1) rs ON true;
            END IF;

            IF n > 1 AND m = n AND true = ALL (known) AND 0 <> ALL (p_counts) AND (nr = 0 OR NOT (p_read_ids && p_stream_ids)) THEN
                -- Each append to its own existing stream, none reading a stream the batch appends to (the common
                -- case under load): the appends do not depend on one another, so they are decided together, in a
                -- few statements. If any would not go through, the general path below decides them one by one.
                SELECT array_agg(base[array_position(ids, x)] ORDER BY o) INTO vers FROM unnest(p_stream_ids) WITH ORDINALITY AS u(x, o);
                IF (nr = 0 OR read_db = p_read_versions)
                   AND NOT EXISTS (SELECT 1 FROM unnest(p_expected, vers) AS u(e, v) WHERE u.e >= 0 AND u.e <> u.v) THEN
                    ok_events := coalesce(array_length(p_event_ids, 1), 0);
                    {{DrawSequenceNumbers}}
                    INSERT INTO {{s}}.events (seq, stream_id, version, event_id, type, data, metadata)
                    SELECT seqs[e.ord], a.x, a.v + e.ord - a.off, e.id, e.t, e.d, e.md
                      FROM (SELECT u.x, u.v, u.c, (sum(u.c) OVER (ORDER BY u.o) - u.c)::int AS off
                              FROM unnest(p_stream_ids, vers, p_counts) WITH ORDINALITY AS u(x, v, c, o)) a
                      JOIN unnest(p_event_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS e(id, t, d, md, ord)
                        ON e.ord > a.off AND e.ord <= a.off + a.c;
                    -- "id = ANY" lets the planner find the rows by key even when it would rather scan a small table
                    -- whole: under load these rows are updated all the time, and a scan visits every dead version.
                    UPDATE {{s}}.streams t SET version = u.v + u.c, updated_at = now()
                      FROM unnest(p_stream_ids, vers, p_counts) AS u(x, v, c)
                     WHERE t.id = ANY (p_stream_ids) AND t.id = u.x;
                    RETURN QUERY SELECT 0, a.v + a.c, seqs[a.off + 1], seqs[a.off + a.c], now()
                      FROM (SELECT u.v, u.c, (sum(u.c) OVER (ORDER BY u.o) - u.c)::int AS off, u.o
                              FROM unnest(vers, p_counts) WITH ORDINALITY AS u(v, c, o)) a
                     ORDER BY a.o;
                    RETURN;
                END IF;
            END IF;

            LOOP
                -- 2. Decide every append in arrival order; streams not found start at version 0.
                IF m = 1 THEN
                    vers := ARRAY[coalesce(base[1], 0)];
                ELSE
                    vers := ARRAY(SELECT coalesce(b, 0) FROM unnest(base) b);
                END IF;
                IF n = 1 THEN
                    st := ARRAY[0]; nv := ARRAY[0::bigint]; fs := ARRAY[0::bigint]; ls := ARRAY[0::bigint]; offs := ARRAY[0];
                ELSE
                    st := array_fill(0, ARRAY[n]);
                    nv := array_fill(0::bigint, ARRAY[n]);
                    fs := array_fill(0::bigint, ARRAY[n]);
                    ls := array_fill(0::bigint, ARRAY[n]);
                    offs := array_fill(0, ARRAY[n]);
                END IF;
                ev_app := '{}';
                off := 0;
                ok_events := 0;
                refused := false;
                FOR i IN 1 .. n LOOP
                    cnt := p_counts[i];
                    offs[i] := off;
                    IF n = 1 AND cnt = 1 THEN
                        ev_app := ARRAY[1];
                    ELSE
                        ev_app := ev_app || array_fill(i, ARRAY[cnt]);
                    END IF;
                    k := CASE WHEN m = 1 THEN 1 ELSE array_position(ids, p_stream_ids[i]) END;
                    cur := vers[k];
                    bad := false;
                    IF nr > 0 AND i = ANY (p_read_owners) THEN
                        FOR r IN 1 .. nr LOOP
                            CONTINUE WHEN p_read_owners[r] <> i;
                            rk := array_position(ids, p_read_ids[r]);
                            rv := CASE WHEN rk IS NULL THEN read_db[r] ELSE vers[rk] END;
                            IF rv <> p_read_versions[r] THEN
                                -- Status 4 names the read in first_seq and gives its version.
                                st[i] := 4; nv[i] := rv; fs[i] := r; bad := true;
                                EXIT;
                            END IF;
                        END LOOP;
                    END IF;
                    IF bad THEN
                        refused := true;
                    ELSIF p_expected[i] >= 0 AND cur <> p_expected[i] THEN
                        -- A retry of an append that went through finds the stream moved on: recognise it by its event ids.
                        SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream_ids[i]), max(e.version), min(e.seq), max(e.seq)
                          INTO found_all, found_here, max_v, min_s, max_s
                          FROM {{s}}.events e
                         WHERE e.event_id = ANY (p_event_ids[off + 1 : off + cnt]);
                        IF found_here = cnt AND found_all = cnt THEN
                            st[i] := 2; nv[i] := max_v; fs[i] := min_s; ls[i] := max_s;
                        ELSIF found_all > 0 THEN
                            st[i] := 3; nv[i] := cur;
                        ELSE
                            st[i] := 1; nv[i] := cur;
                        END IF;
                        refused := true;
                    ELSE
                        st[i] := 0; vers[k] := cur + cnt; nv[i] := cur + cnt; ok_events := ok_events + cnt;
                    END IF;
                    off := off + cnt;
                END LOOP;
                EXIT WHEN true = ALL (known);

                -- 3. Create the streams not found, already at the version the decisions give them. A stream
                --    created meanwhile by another writer is locked instead, and the decisions are made again.
                WITH made AS (
                    INSERT INTO {{s}}.streams (id, type, version)
                    SELECT u.x, u.t, u.v FROM unnest(ids, kinds, vers, known) AS u(x, t, v, kn) WHERE NOT u.kn ORDER BY u.x
                    ON CONFLICT (id) DO NOTHING
                    RETURNING id)
                SELECT coalesce(array_agg(id), '{}') INTO inserted FROM made;
                redo := false;
                FOR k IN 1 .. m LOOP
                    CONTINUE WHEN known[k];
                    known[k] := true;
                    IF ids[k] = ANY (inserted) THEN
                        base[k] := 0;
                        created[k] := true;
                    ELSE
                        SELECT version INTO cur FROM {{s}}.streams WHERE id = ids[k] FOR UPDATE;
                        base[k] := cur;
                        redo := true;
                    END IF;
                END LOOP;
                EXIT WHEN NOT redo;
            END LOOP;
            IF refused AND p_whole THEN
                RAISE EXCEPTION 'not every append of the batch goes through' USING ERRCODE = '{{BatchRefusedState}}';
            END IF;

            IF ok_events > 0 THEN
                -- 4. Only now take the append lock and draw sequence numbers, contiguous and in order.
                {{DrawSequenceNumbers}}
                IF n = 1 AND ok_events = 1 THEN
                    INSERT INTO {{s}}.events (seq, stream_id, version, event_id, type, data, metadata)
                    VALUES (seqs[1], p_stream_ids[1], nv[1], p_event_ids[1], p_types[1], p_data[1], p_metadata[1]);
                ELSE
                INSERT INTO {{s}}.events (seq, stream_id, version, event_id, type, data, metadata)
                SELECT seqs[x.rn], p_stream_ids[x.a], nv[x.a] - p_counts[x.a] + (x.ord - offs[x.a]), x.id, x.t, x.d, x.md
                  FROM (SELECT e.id, e.t, e.d, e.md, e.ord, ev_app[e.ord] AS a, row_number() OVER (ORDER BY e.ord) AS rn
                          FROM unnest(p_event_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS e(id, t, d, md, ord)
                         WHERE st[ev_app[e.ord]] = 0) x;
                END IF;
                off := 0;
                FOR i IN 1 .. n LOOP
                    CONTINUE WHEN st[i] <> 0;
                    fs[i] := seqs[off + 1];
                    ls[i] := seqs[off + p_counts[i]];
                    off := off + p_counts[i];
                END LOOP;

                -- 5. Existing streams move to their new versions (new ones were created at theirs).
                IF NOT (true = ALL (created)) THEN
                    UPDATE {{s}}.streams t SET version = u.v, updated_at = now()
                      FROM unnest(ids, vers, created) AS u(x, v, cr)
                     WHERE t.id = ANY (ids) AND NOT u.cr AND t.id = u.x AND t.version <> u.v;
                END IF;
            END IF;
            IF refused THEN
                -- Streams created above for appends that did not go through leave no trace.
                DELETE FROM {{s}}.streams WHERE id = ANY (ids) AND version = 0;
            END IF;

            RETURN QUERY SELECT st[x], nv[x], fs[x], ls[x], now() FROM generate_series(1, n) AS x;
        END
        $fn$
        """;

    /// <summary>
    /// The append function's step from deciding to writing, in one place because the log's safety rests on it (ADR 2):
    /// take the append lock, draw <c>ok_events</c> sequence numbers into <c>seqs</c>, contiguous and in order, and
    /// queue the NOTIFY that wakes listeners in every process when (and only if) the transaction commits. The append
    /// lock already orders these commits, so the notify queue's lock costs no extra waiting.
    /// </summary>
    private string DrawSequenceNumbers => $"""
        PERFORM pg_advisory_xact_lock({LockClass}, {AppendLock});
                        IF ok_events = 1 THEN
                            seqs := ARRAY[nextval('{s}.events_seq')];
                        ELSE
                            SELECT array_agg(v) INTO seqs FROM (SELECT nextval('{s}.events_seq') AS v FROM generate_series(1, ok_events)) g;
                        END IF;
                        PERFORM pg_notify('{NotifyChannel}', seqs[ok_events]::text);
        """;

    private static int StableHash(string text)
    {
        // FNV-1a: stable across processes and runtimes, unlike string.GetHashCode.
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }
}
