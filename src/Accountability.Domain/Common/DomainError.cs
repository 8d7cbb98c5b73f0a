namespace Accountability.Domain.Common;

/// <summary>How the edge should answer a refused command (maps onto an HTTP status).</summary>
public enum ErrorKind
{
    /// <summary>400: the input breaks a rule.</summary>
    Validation = 0,

    /// <summary>404: the target does not exist, or its existence is private to the caller.</summary>
    NotFound = 1,

    /// <summary>403: the caller is known but may not do this.</summary>
    Forbidden = 2,

    /// <summary>409: the command clashes with the current state.</summary>
    Conflict = 3,

    /// <summary>429: a budget is spent; <see cref="DomainError.RetryAt"/> says when it refills.</summary>
    TooManyRequests = 4,
}

/// <summary>
/// A refusal with a stable <paramref name="Code"/> (clients and problem details rely on it),
/// a human title and a detail that says why, and for validation the offending field.
/// </summary>
public sealed record DomainError(string Code, string Title, string Detail, ErrorKind Kind, string? Field = null)
{
    /// <summary>For <see cref="ErrorKind.TooManyRequests"/>: the instant the budget refills (Retry-After).</summary>
    public DateTimeOffset? RetryAt { get; init; }
}

/// <summary>Thrown by decisions; carries every error found so the edge can report all field errors at once.</summary>
public sealed class DomainException : Exception
{
    public DomainException(DomainError error)
        : this([error])
    {
    }

    public DomainException(IReadOnlyList<DomainError> errors)
        : base(Describe(errors))
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("At least one error is required.", nameof(errors));
        }

        Errors = errors;
    }

    /// <summary>The first (or only) error.</summary>
    public DomainError Error => Errors[0];

    public IReadOnlyList<DomainError> Errors { get; }

    private static string Describe(IReadOnlyList<DomainError> errors) =>
        errors is null || errors.Count == 0
            ? "Domain error."
            : string.Join("; ", errors.Select(e => $"{e.Code}: {e.Detail}"));
}
