using System.Globalization;
using System.Text;
using Accountability.Api.Identity.Accounts;
using FluentValidation;
using NodaTime;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>Field rules shared by the account commands.</summary>
internal static class AccountRules
{
    public const int EmailMaxLength = 254;
    public const int PasswordMinLength = 10;
    public const int PasswordMaxLength = 128;

    public static IRuleBuilderOptions<T, string> ValidEmail<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("Enter an e-mail address.")
            .MaximumLength(EmailMaxLength)
            .EmailAddress().WithMessage("Enter a valid e-mail address.")
            .Must(value => IsPlainText(value, allowSpaces: false)).WithMessage("The e-mail address contains characters that are not allowed.");

    /// <summary>Length only: the full password rules (Identity's validators) run when the password is set.</summary>
    public static IRuleBuilderOptions<T, string> PasswordShape<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("Enter a password.")
            .MaximumLength(PasswordMaxLength)
            .Must(value => !value.Any(char.IsControl) && IsWellFormed(value)).WithMessage("The password contains characters that are not allowed.");

    public static IRuleBuilderOptions<T, string> NewPassword<T>(this IRuleBuilder<T, string> rule) =>
        rule.PasswordShape()
            .MinimumLength(PasswordMinLength).WithMessage($"Use at least {PasswordMinLength} characters.");

    public static IRuleBuilderOptions<T, string> ValidDisplayName<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(value => !string.IsNullOrWhiteSpace(value)).WithMessage("Enter a display name.")
            .MaximumLength(Account.DisplayNameMaxLength)
            .Must(value => IsPlainText(value, allowSpaces: true))
            .WithMessage("The display name contains control, invisible or direction-changing characters.");

    public static IRuleBuilderOptions<T, string> ValidTimeZone<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("Enter an IANA time zone, for example Europe/Paris.")
            .MaximumLength(Account.TimeZoneMaxLength)
            .Must(value => DateTimeZoneProviders.Tzdb.GetZoneOrNull(value) is not null)
            .WithMessage("Unknown time zone; use an IANA id such as Europe/Paris or America/New_York.");

    /// <summary>
    /// Printable text only: no control characters, no invisible or bidirectional formatting characters (used to
    /// spoof names), no unpaired surrogates, no private-use or unassigned code points.
    /// </summary>
    public static bool IsPlainText(string value, bool allowSpaces)
    {
        if (!IsWellFormed(value))
        {
            return false;
        }

        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return false;
            }

            if (!allowSpaces && Rune.IsWhiteSpace(rune))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
