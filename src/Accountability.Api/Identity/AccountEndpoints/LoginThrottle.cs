using System.Threading.RateLimiting;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Api.Infrastructure.Http.RateLimiting;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>
/// Failed password attempts per account name, whatever the address (a botnet spreads its guesses over many).
/// Counted in memory: it needs no write to refuse, so refused guesses cannot load the database. Identity's
/// lockout (in the database, shared by every process) is the second line behind it.
/// </summary>
internal sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> failures;

    public LoginThrottle(RateLimitSettings settings)
    {
        var limit = settings.FailedLoginsPerAccount;
        failures = PartitionedRateLimiter.Create<string, string>(account => RateLimitPartition.GetFixedWindowLimiter(account, _ =>
            new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, limit.Permits),
                Window = limit.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Throws a 429 problem when the account has used up its failed attempts for the window.</summary>
    public void EnsureAllowed(string accountName)
    {
        using var lease = failures.AttemptAcquire(Key(accountName), 0);
        if (!lease.IsAcquired)
        {
            throw new ProblemException(StatusCodes.Status429TooManyRequests, ProblemTypes.TooManyRequests, "Too many failed attempts.",
                "Too many failed sign-in attempts for this account; wait before trying again.")
            {
                RetryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(60),
            };
        }
    }

    public void RecordFailure(string accountName)
    {
        using var lease = failures.AttemptAcquire(Key(accountName), 1);
    }

    public void Dispose() => failures.Dispose();

    private static string Key(string accountName) => accountName.Trim().ToUpperInvariant();
}
