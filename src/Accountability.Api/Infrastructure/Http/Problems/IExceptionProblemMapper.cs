using Microsoft.AspNetCore.Mvc;

namespace Accountability.Api.Infrastructure.Http.Problems;

/// <summary>
/// Lets an area turn its own exceptions into problem documents without touching the global handler
/// (for example the event store's concurrency error into 409). Register as a singleton;
/// the first mapper that returns a problem wins.
/// </summary>
public interface IExceptionProblemMapper
{
    /// <summary>The problem for <paramref name="exception"/> (with <c>Status</c> and <c>Type</c> set), or null if not ours.</summary>
    ProblemDetails? Map(Exception exception, HttpContext context);
}
