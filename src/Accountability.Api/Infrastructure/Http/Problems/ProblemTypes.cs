namespace Accountability.Api.Infrastructure.Http.Problems;

/// <summary>
/// The stable <c>type</c> of every problem document the service returns (RFC 9457). Clients branch on these,
/// never on titles or details, so a value here never changes once released.
/// </summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:accountability:problem:";

    /// <summary>400: one or more fields are invalid; <c>errors</c> maps each field (camelCase JSON path) to messages.</summary>
    public const string Validation = Prefix + "validation";

    /// <summary>400: the body is not valid JSON, or a value has the wrong JSON type.</summary>
    public const string MalformedRequest = Prefix + "malformed-request";

    /// <summary>400: the request is bad in a way that is not about one field (bad header, bad query).</summary>
    public const string BadRequest = Prefix + "bad-request";

    /// <summary>401: no valid access token (missing, expired, wrong issuer or audience, bad signature).</summary>
    public const string Unauthorized = Prefix + "unauthorized";

    /// <summary>401: the e-mail and password do not match an account that may sign in.</summary>
    public const string InvalidCredentials = Prefix + "invalid-credentials";

    /// <summary>
    /// 401: the password is right, and the account has two-step sign-in on: send the authenticator app's code as
    /// <c>twoFactorCode</c> (or a recovery code as <c>recoveryCode</c>) with the same e-mail and password.
    /// </summary>
    public const string TwoFactorRequired = Prefix + "two-factor-required";

    /// <summary>401: the authenticator or recovery code sent with the password is wrong, already used, or expired.</summary>
    public const string InvalidTwoFactorCode = Prefix + "invalid-two-factor-code";

    /// <summary>401: the refresh token is unknown, expired, revoked, or was already used.</summary>
    public const string InvalidRefreshToken = Prefix + "invalid-refresh-token";

    /// <summary>403: signed in, but not allowed to do this.</summary>
    public const string Forbidden = Prefix + "forbidden";

    /// <summary>404: no such resource, or one the caller may not know exists.</summary>
    public const string NotFound = Prefix + "not-found";

    /// <summary>405: the route exists but not with this method.</summary>
    public const string MethodNotAllowed = Prefix + "method-not-allowed";

    /// <summary>409: the request conflicts with the current state (duplicate, concurrency).</summary>
    public const string Conflict = Prefix + "conflict";

    /// <summary>409: an account with this e-mail already exists.</summary>
    public const string AccountExists = Prefix + "account-exists";

    /// <summary>409: a request with the same Idempotency-Key is still being processed; retry after a moment.</summary>
    public const string IdempotencyInProgress = Prefix + "idempotency-in-progress";

    /// <summary>413: the request body is larger than the service accepts.</summary>
    public const string PayloadTooLarge = Prefix + "payload-too-large";

    /// <summary>415: the body's content type is not <c>application/json</c>.</summary>
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";

    /// <summary>422: the Idempotency-Key was already used with a different request.</summary>
    public const string IdempotencyKeyReused = Prefix + "idempotency-key-reused";

    /// <summary>429: too many requests; wait for the <c>Retry-After</c> seconds.</summary>
    public const string TooManyRequests = Prefix + "too-many-requests";

    /// <summary>500: an unexpected error; the <c>traceId</c> finds it in the logs. Nothing else is disclosed.</summary>
    public const string Internal = Prefix + "internal";

    /// <summary>503: a dependency (the database) is unavailable; retry later.</summary>
    public const string Unavailable = Prefix + "unavailable";

    /// <summary>Any other status without a more specific type.</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => BadRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        429 => TooManyRequests,
        503 => Unavailable,
        >= 500 => Internal,
        _ => Prefix + "http-" + status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
