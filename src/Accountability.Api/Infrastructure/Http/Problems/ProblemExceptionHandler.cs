using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace Accountability.Api.Infrastructure.Http.Problems;

/// <summary>
/// The one place where exceptions become responses: every exception maps to a problem document with a stable
/// type; unexpected ones become a bare 500 whose only detail is the trace id (the stack trace goes to the log).
/// </summary>
internal sealed partial class ProblemExceptionHandler(
    IEnumerable<IExceptionProblemMapper> mappers,
    ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>Not an HTTP status: recorded when the client went away before the response.</summary>
    private const int ClientClosedRequest = 499;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            httpContext.Response.StatusCode = ClientClosedRequest;
            return true;
        }

        var (problem, retryAfter) = Map(exception, httpContext);
        var traceId = ProblemResponses.TraceId(httpContext);
        if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            LogServerError(logger, exception, problem.Status.Value, httpContext.Request.Method, httpContext.Request.Path.Value, traceId);
        }
        else
        {
            var exceptionName = exception.GetType().Name;
            LogClientError(logger, exceptionName, problem.Status ?? 0, httpContext.Request.Method, httpContext.Request.Path.Value, traceId);
        }

        if (problem.Status == StatusCodes.Status413PayloadTooLarge)
        {
            httpContext.Response.Headers.Connection = "close";
        }

        if (retryAfter is { } delay)
        {
            httpContext.Response.Headers[HeaderNames.RetryAfter] =
                Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await ProblemResponses.WriteAsync(httpContext, problem);
        return true;
    }

    private (ProblemDetails Problem, TimeSpan? RetryAfter) Map(Exception exception, HttpContext context)
    {
        foreach (var mapper in mappers)
        {
            if (mapper.Map(exception, context) is { } mapped)
            {
                return (mapped, null);
            }
        }

        switch (exception)
        {
            case ProblemException known:
                ProblemDetails problem = known.Errors is { Count: > 0 } errors
                    ? new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal))
                    : new ProblemDetails();
                problem.Status = known.Status;
                problem.Type = known.Type;
                problem.Title = known.Title;
                problem.Detail = known.Detail;
                return (problem, known.RetryAfter);

            case BadHttpRequestException badRequest:
                return (FromBadRequest(badRequest), null);

            case JsonException json:
                return (Malformed(json), null);

            case PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter }:
            case DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter } }:
                // Text PostgreSQL cannot store (a NUL character): the input was bad, whichever field carried it.
                return (new ProblemDetails
                {
                    Status = StatusCodes.Status400BadRequest,
                    Type = ProblemTypes.BadRequest,
                    Title = "Invalid characters.",
                    Detail = "The request contains characters that cannot be stored, such as NUL.",
                }, null);

            case NpgsqlException database when IsUnavailable(database):
            case TimeoutException:
            case not null when exception.InnerException is NpgsqlException inner && IsUnavailable(inner):
                return (new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Type = ProblemTypes.Unavailable,
                    Title = "Service temporarily unavailable.",
                    Detail = "Please retry shortly.",
                }, TimeSpan.FromSeconds(5));

            default:
                return (new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Type = ProblemTypes.Internal,
                    Title = "An unexpected error occurred.",
                    Detail = "The error was logged; quote the traceId when reporting it.",
                }, null);
        }
    }

    private static bool IsUnavailable(NpgsqlException exception) =>
        exception.IsTransient || exception.InnerException is SocketException or TimeoutException or IOException;

    private static ProblemDetails FromBadRequest(BadHttpRequestException exception)
    {
        // Minimal APIs wrap body-reading failures: the status that matters may be on the inner exception (413 while reading).
        var status = exception.InnerException is BadHttpRequestException inner && inner.StatusCode != StatusCodes.Status400BadRequest
            ? inner.StatusCode
            : exception.StatusCode;

        if (status == StatusCodes.Status413PayloadTooLarge)
        {
            return new ProblemDetails
            {
                Status = status,
                Type = ProblemTypes.PayloadTooLarge,
                Title = "Request body too large.",
                Detail = "The request body is larger than the service accepts.",
            };
        }

        if (status == StatusCodes.Status415UnsupportedMediaType)
        {
            return new ProblemDetails
            {
                Status = status,
                Type = ProblemTypes.UnsupportedMediaType,
                Title = "Unsupported media type.",
                Detail = "Send the body as application/json.",
            };
        }

        if (FindJsonException(exception) is { } json)
        {
            return Malformed(json);
        }

        if (status == StatusCodes.Status400BadRequest)
        {
            return new ProblemDetails
            {
                Status = status,
                Type = ProblemTypes.MalformedRequest,
                Title = "Malformed request.",
                Detail = exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
                    ? "The request body is missing or cannot be read as this endpoint's JSON."
                    : "A route, query or header value has the wrong format.",
            };
        }

        return new ProblemDetails { Status = status };
    }

    private static JsonException? FindJsonException(Exception exception)
    {
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
        {
            if (current is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    private static HttpValidationProblemDetails Malformed(JsonException exception)
    {
        var field = FieldFromPath(exception.Path);
        return new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            [field] = [field == "$" ? "The body is not valid JSON." : "The value is not valid JSON for this field."],
        })
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.MalformedRequest,
            Title = "Malformed JSON.",
            Detail = "The request body is not valid JSON for this endpoint.",
        };
    }

    /// <summary><c>$.goal.title</c> becomes <c>goal.title</c>, the field name a validation error would use.</summary>
    private static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "$";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        // Never echo an attacker's huge or odd property name back whole.
        return field.Length > 100 ? field[..100] : field;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request failed with {Status}: {Method} {Path} (trace id {TraceId})")]
    private static partial void LogServerError(ILogger logger, Exception exception, int status, string method, string? path, string traceId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request rejected ({Exception}) with {Status}: {Method} {Path} (trace id {TraceId})")]
    private static partial void LogClientError(ILogger logger, string exception, int status, string method, string? path, string traceId);
}
