using System.Globalization;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Domain.Common;
using Accountability.EventStore;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Accountability.Api.Infrastructure.EventStore;

/// <summary>
/// Domain refusals and event store errors as problem documents. A domain error's <c>type</c> carries its
/// stable code (<c>urn:accountability:problem:check-in.future-date</c>), so clients can branch on it.
/// </summary>
internal sealed class DomainProblemMapper : IExceptionProblemMapper
{
    public const string DomainPrefix = "urn:accountability:problem:";

    public ProblemDetails? Map(Exception exception, HttpContext context) => exception switch
    {
        DomainException domain => FromDomain(domain, context),
        ConcurrencyException concurrency => new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Type = DomainPrefix + "concurrency",
            Title = "Someone changed this at the same time.",
            Detail = $"It was changed by another request (now at version {concurrency.ActualVersion}); reload and try again.",
        },
        DuplicateEventIdException => new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Type = ProblemTypes.Conflict,
            Title = "Conflict.",
            Detail = "The id sent with this request is already used by something else.",
        },
        EventStoreUnavailableException => Unavailable(context),
        _ => null,
    };

    private static ProblemDetails FromDomain(DomainException exception, HttpContext context)
    {
        var error = exception.Error;
        var status = error.Kind switch
        {
            ErrorKind.Validation => StatusCodes.Status400BadRequest,
            ErrorKind.NotFound => StatusCodes.Status404NotFound,
            ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
            ErrorKind.Conflict => StatusCodes.Status409Conflict,
            ErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status400BadRequest,
        };
        var fieldErrors = exception.Errors
            .Where(e => e.Field is not null)
            .GroupBy(e => e.Field!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Detail).ToArray(), StringComparer.Ordinal);
        ProblemDetails problem = status == StatusCodes.Status400BadRequest && fieldErrors.Count > 0
            ? new HttpValidationProblemDetails(fieldErrors)
            : new ProblemDetails();
        problem.Status = status;
        problem.Type = DomainPrefix + error.Code;
        problem.Title = error.Title;
        problem.Detail = exception.Errors.Count == 1 ? error.Detail : string.Join(" ", exception.Errors.Select(e => e.Detail));
        problem.Extensions["code"] = error.Code;
        if (error.RetryAt is { } retryAt)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling((retryAt - DateTimeOffset.UtcNow).TotalSeconds));
            context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
            problem.Extensions["retryAt"] = retryAt;
        }

        return problem;
    }

    private static ProblemDetails Unavailable(HttpContext context)
    {
        context.Response.Headers[HeaderNames.RetryAfter] = "2";
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = ProblemTypes.Unavailable,
            Title = "The service is briefly unavailable.",
            Detail = "The database could not be reached. Retry with the same Idempotency-Key or ids; nothing is written twice.",
        };
    }
}
