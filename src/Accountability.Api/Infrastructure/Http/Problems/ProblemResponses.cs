using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Accountability.Api.Infrastructure.Http.Problems;

/// <summary>Writes problem documents the same way from every place that produces one.</summary>
public static class ProblemResponses
{
    public const string ContentType = "application/problem+json";

    /// <summary>
    /// Gives every problem the fields clients rely on: the status, a stable <c>type</c> (never the framework's
    /// RFC links, which differ by code path), a title, the request path as <c>instance</c> and the <c>traceId</c>
    /// that finds the request in the logs.
    /// </summary>
    public static void Normalize(ProblemDetails problem, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(context);

        var status = problem.Status ?? context.Response.StatusCode;
        problem.Status = status;
        if (string.IsNullOrEmpty(problem.Type)
            || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal)
            || problem.Type.StartsWith("https://datatracker.ietf.org/", StringComparison.Ordinal)
            || problem.Type == "about:blank")
        {
            problem.Type = problem is HttpValidationProblemDetails && status == StatusCodes.Status400BadRequest
                ? ProblemTypes.Validation
                : ProblemTypes.ForStatus(status);
        }

        if (string.IsNullOrEmpty(problem.Title))
        {
            var phrase = ReasonPhrases.GetReasonPhrase(status);
            problem.Title = string.IsNullOrEmpty(phrase) ? "Error." : phrase + ".";
        }

        problem.Instance ??= context.Request.Path.Value;
        problem.Extensions["traceId"] = TraceId(context);
    }

    /// <summary>The id that ties a response to its log lines.</summary>
    public static string TraceId(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Activity.Current?.TraceId.ToString() is { Length: > 0 } traceId && traceId != "00000000000000000000000000000000"
            ? traceId
            : context.TraceIdentifier;
    }

    /// <summary>Writes <paramref name="problem"/> as <c>application/problem+json</c> with its status.</summary>
    public static Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(problem);
        Normalize(problem, context);
        context.Response.StatusCode = problem.Status!.Value;
        return TypedResults.Problem(problem).ExecuteAsync(context);
    }

    /// <summary>A problem for a bare status code (no body was written by whoever set it).</summary>
    public static ProblemDetails ForStatus(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => new ProblemDetails
        {
            Status = status,
            Type = ProblemTypes.Unauthorized,
            Title = "Authentication required.",
            Detail = "A valid bearer access token is required.",
        },
        StatusCodes.Status403Forbidden => new ProblemDetails
        {
            Status = status,
            Type = ProblemTypes.Forbidden,
            Title = "Forbidden.",
            Detail = "You are not allowed to do this.",
        },
        StatusCodes.Status404NotFound => new ProblemDetails { Status = status, Type = ProblemTypes.NotFound, Title = "Not found." },
        StatusCodes.Status405MethodNotAllowed => new ProblemDetails
        {
            Status = status,
            Type = ProblemTypes.MethodNotAllowed,
            Title = "Method not allowed.",
        },
        StatusCodes.Status413PayloadTooLarge => new ProblemDetails
        {
            Status = status,
            Type = ProblemTypes.PayloadTooLarge,
            Title = "Request body too large.",
            Detail = "The request body is larger than the service accepts.",
        },
        StatusCodes.Status415UnsupportedMediaType => new ProblemDetails
        {
            Status = status,
            Type = ProblemTypes.UnsupportedMediaType,
            Title = "Unsupported media type.",
            Detail = "Send the body as application/json.",
        },
        _ => new ProblemDetails { Status = status },
    };
}
