using Accountability.Api.Infrastructure.Http.Problems;
using Microsoft.AspNetCore.Identity;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>Identity's errors as problem documents, keyed by the request field they are about.</summary>
internal static class IdentityProblems
{
    public static ProblemException From(IdentityResult result, string passwordField = "password")
    {
        if (result.Errors.Any(e => e.Code is "DuplicateUserName" or "DuplicateEmail"))
        {
            return AccountExists();
        }

        var errors = result.Errors
            .GroupBy(e => FieldOf(e.Code, passwordField))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray(), StringComparer.Ordinal);
        return new ProblemException(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "One or more fields are invalid.")
        {
            Errors = errors,
        };
    }

    public static ProblemException AccountExists() =>
        new(StatusCodes.Status409Conflict, ProblemTypes.AccountExists, "Account exists.", "An account with this e-mail address already exists.");

    public static ProblemException InvalidCredentials() =>
        new(StatusCodes.Status401Unauthorized, ProblemTypes.InvalidCredentials, "Sign-in failed.",
            "The e-mail address or password is incorrect, or the account is temporarily locked.");

    public static ProblemException TwoFactorRequired() =>
        new(StatusCodes.Status401Unauthorized, ProblemTypes.TwoFactorRequired, "A second step is needed.",
            "This account has two-step sign-in on: send the same request again with the code from the authenticator app as "
            + "twoFactorCode, or with one of the recovery codes as recoveryCode.");

    public static ProblemException InvalidTwoFactorCode() =>
        new(StatusCodes.Status401Unauthorized, ProblemTypes.InvalidTwoFactorCode, "Sign-in failed.",
            "The authenticator code is wrong or was already used, or the recovery code is not one of the account's unused codes.");

    private static string FieldOf(string code, string passwordField) =>
        code.StartsWith("Password", StringComparison.Ordinal) ? passwordField
        : code.Contains("Email", StringComparison.Ordinal) || code.Contains("UserName", StringComparison.Ordinal) ? "email"
        : "$";
}
