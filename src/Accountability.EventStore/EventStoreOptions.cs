using System.Text.Json;
using System.Text.RegularExpressions;
using Accountability.EventStore.Projections;
using Accountability.EventStore.Serialization;

namespace Accountability.EventStore;

/// <summary>How the event store is set up: where it lives, what it stores, and which projections it keeps.</summary>
public sealed partial class EventStoreOptions
{
    private string schema = "es";

    /// <summary>Npgsql connection string of the database that holds the store.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>PostgreSQL schema of the store's tables ("es" by default).</summary>
    public string Schema
    {
        get => schema;
        set => schema = SchemaPattern().IsMatch(value)
            ? value
            : throw new ArgumentException("The schema must be a lower-case identifier of at most 40 characters.", nameof(value));
    }

    internal string QuotedSchema => $"\"{Schema}\"";

    /// <summary>The largest serialized event payload accepted, in bytes.</summary>
    public int MaxEventBytes { get; set; } = 64 * 1024;

    /// <summary>The most events one append may carry.</summary>
    public int MaxEventsPerAppend { get; set; } = 1000;

    /// <summary>The most concurrent appends gathered into one transaction (group commit).</summary>
    public int MaxAppendsPerBatch { get; set; } = 256;

    /// <summary>
    /// How many folded stream states to keep in memory, so that a stream read again is folded only from the events
    /// appended since (0 turns it off). Each entry holds one state: size it above the streams written often (a member
    /// writing once a day touches their goal, member and group streams). Below that, least-recently-used eviction
    /// drops each state just before it is needed again and every write reads its streams in full.
    /// </summary>
    public int StreamStateCacheSize { get; set; } = 16_384;

    /// <summary>Stable names of event types, and upcasters for retired ones.</summary>
    public EventTypeRegistry Events { get; } = new();

    /// <summary>Serializer options for event payloads and metadata.</summary>
    public JsonSerializerOptions Json { get; set; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public DaemonOptions Daemon { get; } = new();

    internal List<ProjectionRegistration> Projections { get; } = [];

    /// <summary>Keeps <typeparamref name="T"/> up to date inline (in the append's transaction) or asynchronously (by the daemon).</summary>
    public EventStoreOptions AddProjection<T>(ProjectionLifecycle lifecycle)
        where T : class, IProjection
    {
        Projections.Add(new ProjectionRegistration(typeof(T), lifecycle));
        return this;
    }

    /// <summary>Feeds committed events, in order and at least once, to <typeparamref name="T"/> (checkpointed, run by the daemon).</summary>
    public EventStoreOptions AddSubscription<T>()
        where T : class, ISubscription
    {
        Projections.Add(new ProjectionRegistration(typeof(T), ProjectionLifecycle.Subscription));
        return this;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,39}$")]
    private static partial Regex SchemaPattern();
}

/// <summary>The async projection daemon's settings.</summary>
public sealed class DaemonOptions
{
    /// <summary>Whether this process takes part in running async projections and subscriptions.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A name for this process in checkpoint rows and logs.</summary>
    public string NodeName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Largest page a projection or a follower of the log reads at a time.</summary>
    public int BatchSize
    {
        get;
        set => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The batch size must be at least 1.");
    } = 5000;

    /// <summary>Page size while a projection rebuilds.</summary>
    public int RebuildBatchSize { get; set; } = 5000;

    /// <summary>
    /// Shortest time from the start of one read of a projection to the start of its next while the projection is
    /// caught up: the events that commit meanwhile are applied together, so a busy log costs a few larger transactions
    /// a second instead of one per commit. The first event after a quiet spell is applied at once; a full page is
    /// followed at once.
    /// </summary>
    public TimeSpan BatchWindow
    {
        get;
        set => field = NotNegative(value, "The batch window");
    } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Longest time a caught-up projection gathers events before it applies them. A projection's window grows with
    /// the time its last page took (twenty times that, so that it applies pages at most a twentieth of the time), from
    /// <see cref="BatchWindow"/> up to this: a busy machine gets fewer, larger pages, in which a goal or member
    /// changed many times is written once; a quiet one keeps its read models within <see cref="BatchWindow"/>.
    /// </summary>
    public TimeSpan MaxBatchWindow
    {
        get;
        set => field = NotNegative(value, "The largest batch window");
    } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two looks at the log when no notification arrives.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a standby tries to become leader, and the leader checks its lock connection.</summary>
    public TimeSpan LeadershipInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many times one failing event is tried on its own before it goes to the dead letters.</summary>
    public int AttemptsBeforeDeadLetter { get; set; } = 3;

    /// <summary>Pause after a transient failure (database unreachable) before trying again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    private static TimeSpan NotNegative(TimeSpan value, string what) =>
        value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"{what} cannot be negative.");
}
