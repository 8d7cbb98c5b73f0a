namespace Accountability.Domain.Groups;

/// <summary>
/// Invite codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L, U), shown as
/// "ABCD-EFGH". The edge supplies the randomness so the domain stays pure.
/// </summary>
public static class InviteCodes
{
    public const int Length = 8;

    /// <summary>Crockford-style: 30 symbols, none confusable when read aloud or handwritten.</summary>
    public const string Alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789";

    /// <summary>Builds a code from at least <see cref="Length"/> random bytes (e.g. RandomNumberGenerator.GetBytes(8)).</summary>
    public static string Generate(ReadOnlySpan<byte> randomBytes)
    {
        if (randomBytes.Length < Length)
        {
            throw new ArgumentException($"At least {Length} random bytes are needed.", nameof(randomBytes));
        }

        Span<char> code = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            code[i] = Alphabet[randomBytes[i] % Alphabet.Length];
        }

        return new string(code);
    }

    /// <summary>Upper-cases and drops separators so "abcd-efgh", "ABCD EFGH" and "ABCDEFGH" match.</summary>
    public static string Normalize(string? input) =>
        new((input ?? string.Empty).Where(c => c is not ('-' or ' ' or '\t')).Select(char.ToUpperInvariant).ToArray());

    public static bool IsWellFormed(string? input)
    {
        var code = Normalize(input);
        return code.Length == Length && code.All(c => Alphabet.Contains(c, StringComparison.Ordinal));
    }

    /// <summary>"ABCDEFGH" as "ABCD-EFGH".</summary>
    public static string Display(string code)
    {
        var normalized = Normalize(code);
        return normalized.Length == Length ? $"{normalized[..4]}-{normalized[4..]}" : normalized;
    }
}
