namespace Accountability.Api.Infrastructure.Http.RateLimiting;

/// <summary>
/// Named rate-limit policies for endpoints: <c>.RequireRateLimiting(RateLimitPolicies.Nudges)</c>.
/// Every write is also under the global per-member and per-address write limits.
/// </summary>
public static class RateLimitPolicies
{
    /// <summary>Sign-in, registration and token refresh: strict, per client address.</summary>
    public const string Auth = "auth";

    /// <summary>Sending nudges: per sending member.</summary>
    public const string Nudges = "nudges";
}
