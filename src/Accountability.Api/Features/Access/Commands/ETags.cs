using System.Globalization;
using Accountability.Api.Infrastructure.Http.Problems;

namespace Accountability.Api.Features.Access.Commands;

/// <summary>
/// A stream's version is its entity tag: responses carry <c>ETag: "7"</c>, and a client that sends
/// <c>If-Match: "7"</c> only writes if nobody changed the stream since (else 412, nothing written).
/// </summary>
public static class ETags
{
    public const string PreconditionFailedType = "urn:accountability:problem:precondition-failed";

    public static string Format(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>Sets the ETag header of the response to the stream version.</summary>
    public static void Set(HttpContext http, long version)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.ETag = Format(version);
    }

    /// <summary>
    /// The version an If-Match header demands, or null when none was sent (or <c>*</c>). A tag that is not one of
    /// ours can never match: 412.
    /// </summary>
    public static long? ParseIfMatch(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*")
        {
            return null;
        }

        var tag = header.Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal))
        {
            tag = tag[2..];
        }

        tag = tag.Trim('"');
        return long.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 0
            ? version
            : throw PreconditionFailed(null);
    }

    public static ProblemException PreconditionFailed(long? current) =>
        new(StatusCodes.Status412PreconditionFailed, PreconditionFailedType, "Changed since you read it.",
            current is { } version
                ? $"It was changed by someone else and is now at version {Format(version)}; reload it and decide again."
                : "The If-Match header does not name a version of this resource; send the ETag you received.");
}
