using System.Diagnostics.Metrics;

namespace Accountability.EventStore;

/// <summary>
/// The event store's instruments, under the meter <c>Accountability.EventStore</c>: how many appends each commit
/// carries, how long a commit takes, and how many events were appended. Any OpenTelemetry or <c>dotnet-counters</c>
/// listener can read them.
/// </summary>
public static class EventStoreMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Accountability.EventStore";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Histogram<int> AppendsPerCommit = Meter.CreateHistogram<int>(
        "accountability.eventstore.append.batch_size", unit: "{append}", description: "Appends written by one commit (group commit).");

    internal static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>(
        "accountability.eventstore.append.commit_duration", unit: "ms", description: "Time from taking a batch of appends to its commit.");

    internal static readonly Counter<long> EventsAppended = Meter.CreateCounter<long>(
        "accountability.eventstore.events_appended", unit: "{event}", description: "Events committed to the log.");
}
