namespace Accountability.Api.Infrastructure.Http.Problems;

/// <summary>
/// Thrown by handlers for an expected failure that the client must see as a problem document
/// (wrong credentials, conflict, not found). The global exception handler writes it; nothing is logged as an error.
/// </summary>
public sealed class ProblemException : Exception
{
    public ProblemException(int status, string type, string title, string? detail = null)
        : base(title)
    {
        Status = status;
        Type = type;
        Title = title;
        Detail = detail;
    }

    public int Status { get; }

    public string Type { get; }

    public string Title { get; }

    public string? Detail { get; }

    /// <summary>Field errors (camelCase field name to messages) for 400 validation problems.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>Sent as the <c>Retry-After</c> header (whole seconds) when set.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static ProblemException NotFound(string? detail = null) =>
        new(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Not found.", detail);

    public static ProblemException Conflict(string detail) =>
        new(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Conflict.", detail);

    public static ProblemException Forbidden(string? detail = null) =>
        new(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Forbidden.", detail);

    /// <summary>A 400 validation problem for one field.</summary>
    public static ProblemException Invalid(string field, params string[] messages) =>
        new(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "One or more fields are invalid.")
        {
            Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = messages },
        };
}
