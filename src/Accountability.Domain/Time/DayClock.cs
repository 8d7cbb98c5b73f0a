using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using NodaTime;
using NodaTime.TimeZones;

namespace Accountability.Domain.Time;

/// <summary>
/// A member's calendar for one group: which local day it is, when each day starts and when it closes
/// (local midnight after the day plus the group's grace), across DST and time zone changes.
/// </summary>
/// <remarks>
/// Rules, chosen so that travel and DST never cost a streak:
/// <list type="bullet">
/// <item>"Today" never goes backwards: after flying east-to-west across the date line the member keeps
/// the later date as today, so a day already checked in is never "in the future".</item>
/// <item>A day belongs to the zone it started in and to every zone the member moves to while it is
/// still open; it closes at the latest of those zones' closes (Habitica's two-zone rule: the kinder
/// zone wins). A day that started because of a zone change also keeps the previous zone's close.
/// Each day has exactly one close instant, and zone changes are recorded as they happen, so a closed
/// day can never reopen or close twice.</item>
/// <item>DST days are one local day of 23 or 25 hours; close times that fall in a DST gap move
/// forward, and ambiguous ones take the later instant.</item>
/// <item>Local dates jumped over by a zone change (crossing the date line westwards) were never lived
/// and are neutral.</item>
/// <item>A grace change applies to days that start after it, so no open day is shortened.</item>
/// </list>
/// </remarks>
public sealed class DayClock
{
    // Calendars already built, per group zone history, then per grace history and member zone history. The histories
    // are immutable lists that a group's or member's later states share until they change, so they are compared by
    // reference (ImmutableList does not override Equals), and an entry lives as long as its group's zone history does.
    private const int ShelfSize = 1024;

    private static readonly ZoneLocalMappingResolver CloseResolver =
        Resolvers.CreateMappingResolver(Resolvers.ReturnLater, Resolvers.ReturnForwardShifted);

    private static readonly ConditionalWeakTable<ImmutableList<ZoneSpan>, Dictionary<(ImmutableList<GraceSpan>, ImmutableList<ZoneSpan>), DayClock>> Shelves = new();

    private readonly Instant[] starts;
    private readonly DateTimeZone[] zones;
    private readonly string[] zoneIds;
    private readonly LocalDate[] maxDateBefore;
    private readonly Instant[] graceStarts;
    private readonly int[] graceMinutes;

    // The latest zone or grace change this calendar knows of, after its first: from then on AsOf changes nothing.
    private readonly DateTimeOffset lastChange;

    private DayClock(IReadOnlyList<ZoneSpan> zoneSpans, IReadOnlyList<GraceSpan> graceSpans)
    {
        var segments = new List<(Instant From, string Id)>();
        foreach (var span in zoneSpans.OrderBy(s => s.From))
        {
            var from = span.From == DateTimeOffset.MinValue ? Instant.MinValue : span.From.ToInstant();
            if (segments.Count == 0)
            {
                segments.Add((Instant.MinValue, span.TimeZoneId));
            }
            else if (segments[^1].Id != span.TimeZoneId)
            {
                segments.Add((from, span.TimeZoneId));
            }
        }

        if (segments.Count == 0)
        {
            throw new ArgumentException("A day clock needs at least one time zone.", nameof(zoneSpans));
        }

        starts = segments.Select(s => s.From).ToArray();
        zoneIds = segments.Select(s => s.Id).ToArray();
        zones = zoneIds.Select(TimeZones.Get).ToArray();
        maxDateBefore = new LocalDate[starts.Length];
        maxDateBefore[0] = LocalDate.MinIsoValue;
        for (var k = 1; k < starts.Length; k++)
        {
            var endOfPrevious = (starts[k] - Duration.Epsilon).InZone(zones[k - 1]).Date;
            maxDateBefore[k] = LocalDate.Max(maxDateBefore[k - 1], endOfPrevious);
        }

        var graces = graceSpans.OrderBy(g => g.From).ToList();
        if (graces.Count == 0)
        {
            graces.Add(new GraceSpan(DateTimeOffset.MinValue, GraceRules.DefaultMinutes));
        }

        graceStarts = graces.Select((g, i) => i == 0 || g.From == DateTimeOffset.MinValue ? Instant.MinValue : g.From.ToInstant()).ToArray();
        graceMinutes = graces.Select(g => Math.Clamp(g.GraceMinutes, 0, GraceRules.MaxMinutes)).ToArray();
        ZoneSpans = zoneSpans;
        GraceSpans = graceSpans;
        lastChange = Max(
            zoneSpans.Count > 1 ? zoneSpans.Max(z => z.From) : DateTimeOffset.MinValue,
            graceSpans.Count > 1 ? graceSpans.Max(g => g.From) : DateTimeOffset.MinValue);
    }

    public IReadOnlyList<ZoneSpan> ZoneSpans { get; }

    public IReadOnlyList<GraceSpan> GraceSpans { get; }

    /// <summary>A calendar in one zone with one grace rule (no history).</summary>
    public static DayClock ForZone(string timeZoneId, int graceMinutes = GraceRules.DefaultMinutes) =>
        new([new ZoneSpan(DateTimeOffset.MinValue, timeZoneId)], [new GraceSpan(DateTimeOffset.MinValue, graceMinutes)]);

    /// <summary>A calendar from explicit zone and grace histories.</summary>
    public static DayClock Create(IEnumerable<ZoneSpan> zoneSpans, IEnumerable<GraceSpan> graceSpans)
    {
        ArgumentNullException.ThrowIfNull(zoneSpans);
        ArgumentNullException.ThrowIfNull(graceSpans);
        return new DayClock(zoneSpans.ToArray(), graceSpans.ToArray());
    }

    /// <summary>
    /// The member's calendar in a group: the member's own zone history where they have set one,
    /// the group's default zone before that; the group's grace history.
    /// </summary>
    public static DayClock For(Group group, Member? member)
    {
        ArgumentNullException.ThrowIfNull(group);
        var memberZones = member?.ZoneHistory ?? [];
        var shelf = Shelves.GetOrCreateValue(group.ZoneHistory);
        var key = (group.GraceHistory, memberZones);
        lock (shelf)
        {
            if (shelf.TryGetValue(key, out var known))
            {
                return known;
            }
        }

        var spans = new List<ZoneSpan>();
        var firstOwn = memberZones.Count > 0 ? memberZones[0].From : DateTimeOffset.MaxValue;
        spans.AddRange(group.ZoneHistory.Where((z, i) => i == 0 || z.From < firstOwn));
        spans.AddRange(memberZones);
        var clock = new DayClock(spans, group.GraceHistory);
        lock (shelf)
        {
            if (shelf.Count >= ShelfSize)
            {
                shelf.Clear();
            }

            shelf[key] = clock;
        }

        return clock;
    }

    /// <summary>The same calendar as it was known at <paramref name="at"/>: later zone and grace changes are ignored.</summary>
    public DayClock AsOf(DateTimeOffset at)
    {
        if (at >= lastChange)
        {
            return this;
        }

        var zonesKnown = ZoneSpans.OrderBy(z => z.From).Where((z, i) => i == 0 || z.From <= at).ToArray();
        var gracesKnown = GraceSpans.OrderBy(g => g.From).Where((g, i) => i == 0 || g.From <= at).ToArray();
        return new DayClock(zonesKnown, gracesKnown);
    }

    /// <summary>The IANA zone in effect at an instant.</summary>
    public string TimeZoneIdAt(DateTimeOffset at) => zoneIds[SegmentAt(at.ToInstant())];

    /// <summary>The wall-calendar date at an instant in the zone then in effect (what a check-in is dated by default).</summary>
    public DateOnly CalendarDateAt(DateTimeOffset at) => CalendarDate(at.ToInstant()).ToDateOnly();

    /// <summary>The latest local date the member has begun; never goes backwards (see remarks on the type).</summary>
    public DateOnly Today(DateTimeOffset at) => Today(at.ToInstant()).ToDateOnly();

    /// <summary>The instant the member began <paramref name="date"/>.</summary>
    public DateTimeOffset StartsAt(DateOnly date) => StartOf(date.ToLocalDate()).ToUtc();

    /// <summary>The one instant at which <paramref name="date"/> closes for check-ins.</summary>
    public DateTimeOffset ClosesAt(DateOnly date) => CloseOf(date.ToLocalDate()).ToUtc();

    /// <summary>A date is open when it has begun and has not closed.</summary>
    public bool IsOpen(DateOnly date, DateTimeOffset at) => IsOpen(date.ToLocalDate(), at.ToInstant());

    /// <summary>A date is closed (settled) once its close instant has passed.</summary>
    public bool IsClosed(DateOnly date, DateTimeOffset at) => at.ToInstant() >= CloseOf(date.ToLocalDate());

    /// <summary>True for a local date the member never lived because a zone change jumped over it.</summary>
    public bool IsSkipped(DateOnly date) => IsSkipped(date.ToLocalDate());

    /// <summary>Today with its start and close, for "your day closes at ..." in the client.</summary>
    public LocalDay CurrentDay(DateTimeOffset at)
    {
        var instant = at.ToInstant();
        return Describe(Today(instant), instant);
    }

    /// <summary>A date with its start and close.</summary>
    public LocalDay Describe(DateOnly date, DateTimeOffset at) => Describe(date.ToLocalDate(), at.ToInstant());

    /// <summary>Every date still open at <paramref name="at"/>, oldest first (usually yesterday and today).</summary>
    public IReadOnlyList<DateOnly> OpenDates(DateTimeOffset at)
    {
        var instant = at.ToInstant();
        var today = Today(instant);
        var open = new List<DateOnly>();
        for (var d = today.PlusDays(-4); d <= today; d = d.PlusDays(1))
        {
            if (!IsSkipped(d) && IsOpen(d, instant))
            {
                open.Add(d.ToDateOnly());
            }
        }

        return open;
    }

    /// <summary>
    /// The lived dates whose close falls in (<paramref name="after"/>, <paramref name="upTo"/>], in close order:
    /// what a "day closed" job should settle. Each date appears in exactly one window.
    /// </summary>
    public IReadOnlyList<(DateOnly Date, DateTimeOffset ClosedAt)> DatesClosedBetween(DateTimeOffset after, DateTimeOffset upTo)
    {
        var from = after.ToInstant();
        var to = upTo.ToInstant();
        if (to <= from)
        {
            return [];
        }

        var closed = new List<(DateOnly, DateTimeOffset)>();
        for (var d = Today(from).PlusDays(-4); d <= Today(to); d = d.PlusDays(1))
        {
            if (IsSkipped(d))
            {
                continue;
            }

            var close = CloseOf(d);
            if (close > from && close <= to)
            {
                closed.Add((d.ToDateOnly(), close.ToUtc()));
            }
        }

        return closed.OrderBy(c => c.Item2).ThenBy(c => c.Item1).ToList();
    }

    /// <summary>An instant as the member reads it: "2024-03-11 12:00 Pacific/Auckland (2024-03-10 23:00Z)".</summary>
    public string Format(DateTimeOffset instant)
    {
        var at = instant.ToInstant();
        var k = SegmentAt(at);
        var local = at.InZone(zones[k]).LocalDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{local:yyyy-MM-dd HH:mm} {zoneIds[k]} ({instant.UtcDateTime:yyyy-MM-dd HH:mm}Z)");
    }

    internal LocalDate CalendarDate(Instant at) => at.InZone(zones[SegmentAt(at)]).Date;

    internal LocalDate Today(Instant at)
    {
        var k = SegmentAt(at);
        return LocalDate.Max(at.InZone(zones[k]).Date, maxDateBefore[k]);
    }

    internal bool IsOpen(LocalDate date, Instant at) => Today(at) >= date && at < CloseOf(date);

    internal Instant StartOf(LocalDate date)
    {
        for (var k = 0; k < starts.Length; k++)
        {
            if (maxDateBefore[k] >= date)
            {
                return starts[k];
            }

            var startInZone = zones[k].AtStartOfDay(date).ToInstant();
            var candidate = startInZone > starts[k] ? startInZone : starts[k];
            if (k == starts.Length - 1 || candidate < starts[k + 1])
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Unreachable: the last segment is open-ended.");
    }

    internal Instant CloseOf(LocalDate date)
    {
        var start = StartOf(date);
        var k = SegmentAt(start);
        var grace = GraceAt(start);
        var close = CloseIn(zones[k], date, grace);
        if (k > 0 && start == starts[k] && maxDateBefore[k] < date)
        {
            close = Max(close, CloseIn(zones[k - 1], date, grace));
        }

        for (var j = k + 1; j < starts.Length && starts[j] < close; j++)
        {
            close = Max(close, CloseIn(zones[j], date, grace));
        }

        return close;
    }

    internal bool IsSkipped(LocalDate date)
    {
        for (var k = 1; k < starts.Length; k++)
        {
            if (maxDateBefore[k] < date && starts[k].InZone(zones[k]).Date > date)
            {
                return true;
            }
        }

        return false;
    }

    private LocalDay Describe(LocalDate date, Instant at) =>
        new(date.ToDateOnly(), zoneIds[SegmentAt(at)], StartOf(date).ToUtc(), CloseOf(date).ToUtc());

    private static Instant CloseIn(DateTimeZone zone, LocalDate date, int grace) =>
        zone.ResolveLocal(date.PlusDays(1).AtMidnight().PlusMinutes(grace), CloseResolver).ToInstant();

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private int SegmentAt(Instant at)
    {
        var k = starts.Length - 1;
        while (k > 0 && starts[k] > at)
        {
            k--;
        }

        return k;
    }

    private int GraceAt(Instant at)
    {
        var k = graceStarts.Length - 1;
        while (k > 0 && graceStarts[k] > at)
        {
            k--;
        }

        return graceMinutes[k];
    }
}
