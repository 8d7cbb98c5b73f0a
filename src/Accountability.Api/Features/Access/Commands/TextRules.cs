using FluentValidation;

namespace Accountability.Api.Features.Access.Commands;

/// <summary>
/// Field rules shared by the write commands. Required fields, lengths and business rules are the domain's (its
/// problem types name the exact rule); these keep out what
/// no domain rule should ever see: text that PostgreSQL cannot store or that spoofs its display (NUL, control and
/// bidirectional formatting characters), empty ids and unknown enum names.
/// </summary>
internal static class TextRules
{
    /// <summary>One line of text (titles, names, reasons): no control or invisible formatting characters.</summary>
    public static IRuleBuilderOptions<T, string?> SingleLine<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(value => value is null || IsClean(value, multiLine: false))
            .WithMessage("The text contains control, invisible or direction-changing characters.");

    /// <summary>Free text (notes, comments): line breaks and tabs allowed, other control characters not.</summary>
    public static IRuleBuilderOptions<T, string?> MultiLine<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(value => value is null || IsClean(value, multiLine: true))
            .WithMessage("The text contains control, invisible or direction-changing characters.");

    public static IRuleBuilderOptions<T, Guid> RequiredId<T>(this IRuleBuilder<T, Guid> rule) =>
        rule.NotEqual(Guid.Empty).WithMessage("Send a non-empty id (a UUID your client generates).");

    public static IRuleBuilderOptions<T, Guid?> OptionalId<T>(this IRuleBuilder<T, Guid?> rule) =>
        rule.Must(id => id != Guid.Empty).WithMessage("Send a non-empty id, or leave it out.");

    public static IRuleBuilderOptions<T, string?> OneOf<T, TEnum>(this IRuleBuilder<T, string?> rule, WireEnum<TEnum> names)
        where TEnum : struct, Enum =>
        rule.Must(value => value is null || names.IsName(value)).WithMessage("Use " + names.Expected + ".");

    public static bool IsClean(string value, bool multiLine)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
                continue;
            }

            if (char.IsLowSurrogate(c))
            {
                return false;
            }

            if (char.IsControl(c) && !(multiLine && c is '\n' or '\r' or '\t'))
            {
                return false;
            }

            if (c is '\u200B' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\uFEFF')
            {
                return false;
            }
        }

        return true;
    }
}
