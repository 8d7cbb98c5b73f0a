using System.Text.RegularExpressions;

namespace Accountability.EventStore;

/// <summary>
/// Stream ids are "category-key" (for example <c>order-3f2a...</c>) or a bare category: the category is
/// stored as the stream's type so projections and tools can filter by it.
/// </summary>
public static partial class StreamIds
{
    public const int MaxLength = 200;

    public static bool IsValid(string? streamId) => streamId is not null && Pattern().IsMatch(streamId);

    /// <summary>The part before the first '-', e.g. "order" for "order-42".</summary>
    public static string CategoryOf(string streamId)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        var dash = streamId.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? streamId : streamId[..dash];
    }

    internal static void Validate(string? streamId)
    {
        if (!IsValid(streamId))
        {
            throw new InvalidAppendException(
                streamId ?? "(null)",
                $"the stream id is malformed: it must be a lower-case category, optionally followed by '-' and a key of letters, digits, '-', '_', '.' or ':', at most {MaxLength} characters.");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}(-[A-Za-z0-9_.:-]{1,135})?$")]
    private static partial Regex Pattern();
}
