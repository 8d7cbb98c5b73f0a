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

    private static string FieldOf(string code, string passwordField) =>
        code.StartsWith("Password", StringComparison.Ordinal) ? passwordField
        : code.Contains("Email", StringComparison.Ordinal) || code.Contains("UserName", StringComparison.Ordinal) ? "email"
        : "$";
}
