namespace Accountability.Domain.Common;

/// <summary>Short-hands that keep decisions readable: <c>throw Refuse.Forbidden(...)</c>.</summary>
internal static class Refuse
{
    public static DomainException Validation(string code, string title, string detail, string? field = null) =>
        new(new DomainError(code, title, detail, ErrorKind.Validation, field));

    public static DomainException NotFound(string code, string title, string detail) =>
        new(new DomainError(code, title, detail, ErrorKind.NotFound));

    public static DomainException Forbidden(string code, string title, string detail) =>
        new(new DomainError(code, title, detail, ErrorKind.Forbidden));

    public static DomainException Conflict(string code, string title, string detail, string? field = null) =>
        new(new DomainError(code, title, detail, ErrorKind.Conflict, field));

    public static DomainException TooManyRequests(string code, string title, string detail, DateTimeOffset retryAt) =>
        new(new DomainError(code, title, detail, ErrorKind.TooManyRequests) { RetryAt = retryAt });
}

/// <summary>Collects every field error of one command, so a form can show them all at once.</summary>
internal sealed class FieldErrors
{
    private readonly List<DomainError> errors = [];

    public bool Any => errors.Count > 0;

    public void Add(string code, string title, string detail, string field) =>
        errors.Add(new DomainError(code, title, detail, ErrorKind.Validation, field));

    /// <summary>Trims and checks a required text; returns the trimmed text (empty when invalid).</summary>
    public string Required(string? value, string field, int maxLength, string requiredCode, string tooLongCode, string label)
    {
        var trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            Add(requiredCode, $"{label} is required", $"Give the {label.ToLowerInvariant()} a value.", field);
        }
        else if (trimmed.Length > maxLength)
        {
            Add(tooLongCode, $"{label} is too long", $"The {label.ToLowerInvariant()} has {trimmed.Length} characters; at most {maxLength} are allowed.", field);
        }

        return trimmed;
    }

    /// <summary>Trims an optional text; blank becomes null.</summary>
    public string? Optional(string? value, string field, int maxLength, string tooLongCode, string label)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (trimmed.Length > maxLength)
        {
            Add(tooLongCode, $"{label} is too long", $"The {label.ToLowerInvariant()} has {trimmed.Length} characters; at most {maxLength} are allowed.", field);
        }

        return trimmed;
    }

    public void ThrowIfAny()
    {
        if (errors.Count > 0)
        {
            throw new DomainException(errors.ToArray());
        }
    }
}
