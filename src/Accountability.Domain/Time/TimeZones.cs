using NodaTime;

namespace Accountability.Domain.Time;

/// <summary>IANA time zone ids, checked against the TZDB that ships with NodaTime.</summary>
public static class TimeZones
{
    /// <summary>The TZDB release the rules come from (e.g. "2025b"), worth showing next to close times.</summary>
    public static string TzdbVersion => DateTimeZoneProviders.Tzdb.VersionId;

    public static bool IsKnown(string? timeZoneId) =>
        !string.IsNullOrWhiteSpace(timeZoneId) && DateTimeZoneProviders.Tzdb.GetZoneOrNull(timeZoneId) is not null;

    internal static DateTimeZone Get(string timeZoneId) =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(timeZoneId)
        ?? throw new ArgumentException($"Unknown IANA time zone '{timeZoneId}'.", nameof(timeZoneId));
}

/// <summary>The grace rule: a local day stays open until its following local midnight plus this many minutes.</summary>
public static class GraceRules
{
    /// <summary>Until noon the next day, as Trainerize does for habits.</summary>
    public const int DefaultMinutes = 12 * 60;

    /// <summary>A day may stay open at most until the end of the following day.</summary>
    public const int MaxMinutes = 24 * 60;
}

/// <summary>A time zone that applies from an instant on (<see cref="DateTimeOffset.MinValue"/>: from the beginning).</summary>
public sealed record ZoneSpan(DateTimeOffset From, string TimeZoneId);

/// <summary>A grace rule that applies to local days starting from an instant on.</summary>
public sealed record GraceSpan(DateTimeOffset From, int GraceMinutes);

/// <summary>One local day of a member: when it starts and when it closes for check-ins.</summary>
public sealed record LocalDay(DateOnly Date, string TimeZoneId, DateTimeOffset StartsAt, DateTimeOffset ClosesAt);

internal static class TimeConversions
{
    public static Instant ToInstant(this DateTimeOffset value) => Instant.FromDateTimeOffset(value);

    public static DateTimeOffset ToUtc(this Instant value) => value.ToDateTimeOffset();

    public static LocalDate ToLocalDate(this DateOnly value) => LocalDate.FromDateOnly(value);

    public static DateTimeOffset Utc(this DateTimeOffset value) => value.ToUniversalTime();
}
