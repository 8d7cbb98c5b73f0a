namespace Accountability.Api.Infrastructure.Http.Idempotency;

/// <summary>Configuration section <c>Idempotency</c>.</summary>
public sealed class IdempotencySettings
{
    public const string Section = "Idempotency";

    /// <summary>How long a completed response is replayed for its key.</summary>
    public int RetentionHours { get; set; } = 24;

    /// <summary>How long a duplicate waits for the first request with its key before getting 409 (retry later).</summary>
    public int WaitSeconds { get; set; } = 10;

    /// <summary>A claim older than this with no response is taken to be from a crashed process and may be taken over.</summary>
    public int AbandonedAfterSeconds { get; set; } = 60;
}
