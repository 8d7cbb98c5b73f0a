namespace Accountability.Api.Infrastructure.Http.RateLimiting;

/// <summary>Configuration section <c>RateLimiting</c>. Limits are per process (the limiter state is in memory).</summary>
public sealed class RateLimitSettings
{
    public const string Section = "RateLimiting";

    /// <summary>Writes (POST, PUT, PATCH, DELETE) per signed-in member.</summary>
    public WindowLimit WritesPerMember { get; set; } = new() { Permits = 120, WindowSeconds = 60 };

    /// <summary>Writes per client address (all members behind it, and anonymous callers).</summary>
    public WindowLimit WritesPerAddress { get; set; } = new() { Permits = 600, WindowSeconds = 60 };

    /// <summary>Sign-in, registration and refresh per client address: the brute-force guard (policy <c>auth</c>).</summary>
    public WindowLimit AuthPerAddress { get; set; } = new() { Permits = 30, WindowSeconds = 60 };

    /// <summary>Failed sign-ins per account name, wherever they come from.</summary>
    public WindowLimit FailedLoginsPerAccount { get; set; } = new() { Permits = 10, WindowSeconds = 60 };

    /// <summary>Nudges per sender (policy <c>nudges</c>); the domain's daily budget still applies on top.</summary>
    public WindowLimit NudgesPerMember { get; set; } = new() { Permits = 30, WindowSeconds = 3600 };
}

/// <summary>A fixed window: <see cref="Permits"/> requests per <see cref="WindowSeconds"/>.</summary>
public sealed class WindowLimit
{
    public int Permits { get; set; }

    public int WindowSeconds { get; set; }

    public TimeSpan Window => TimeSpan.FromSeconds(Math.Max(1, WindowSeconds));
}
