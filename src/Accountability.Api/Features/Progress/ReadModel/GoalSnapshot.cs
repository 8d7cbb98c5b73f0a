using System.Collections.Immutable;
using Accountability.Domain.Goals;

namespace Accountability.Api.Features.Progress.ReadModel;

/// <summary>
/// The stored form of a goal's state in the progress read model: the domain <see cref="Goal"/> with its check-ins
/// as parallel columns, about ten times smaller and faster to read than the record serialized as is (a 90-day goal:
/// ~6 KB instead of ~60 KB). It keeps everything the progress, streak and pair calculations read (every version's
/// instant, done and stuck flags, value and mood, terms, end dates, corrections); notes and prompt answers stay in
/// <c>rm.progress_checkins</c> (latest version) and in the log.
/// </summary>
/// <remarks>
/// Instants are stored as UTC ticks, so a goal read back from a row and a goal folded from events compute the same
/// figures to the tick. Projections always compute from the decoded form, which makes a rebuild equal the live rows.
/// </remarks>
internal sealed record GoalSnapshot(
    Guid Id,
    Guid GroupId,
    Guid MemberId,
    string Title,
    string? Why,
    GoalMeasure Measure,
    Cadence Cadence,
    DateOnly StartDate,
    DateOnly? EndDate,
    string? Reward,
    string? Consequence,
    GoalVisibility Visibility,
    DateTimeOffset SetAt,
    GoalStatus Status,
    DateOnly? ClosedOn,
    DateTimeOffset? ClosedAt,
    int Revision,
    IReadOnlyList<TermsChange> Terms,
    IReadOnlyList<EndDateChange> EndDates,
    IReadOnlyList<StreakCorrection> Corrections,
    IReadOnlyList<Guid> Wins,
    CheckInColumns CheckIns)
{
    public static GoalSnapshot From(Goal goal)
    {
        ArgumentNullException.ThrowIfNull(goal);
        return new GoalSnapshot(
            goal.Id,
            goal.GroupId,
            goal.MemberId,
            goal.Title,
            goal.Why,
            goal.Measure,
            goal.Cadence,
            goal.StartDate,
            goal.EndDate,
            goal.Reward,
            goal.Consequence,
            goal.Visibility,
            goal.SetAt.ToUniversalTime(),
            goal.Status,
            goal.ClosedOn,
            goal.ClosedAt?.ToUniversalTime(),
            goal.Revision,
            goal.TermsHistory.Select(t => t with { RecordedAt = t.RecordedAt.ToUniversalTime() }).ToList(),
            goal.EndDateHistory.Select(e => e with { RecordedAt = e.RecordedAt.ToUniversalTime() }).ToList(),
            goal.Corrections.Values
                .OrderBy(c => c.CorrectionId)
                .Select(c => c with { RequestedAt = c.RequestedAt.ToUniversalTime(), DecidedAt = c.DecidedAt?.ToUniversalTime() })
                .ToList(),
            goal.RecordedWins.Order().ToList(),
            CheckInColumns.From(goal.CheckIns.Values));
    }

    public Goal ToGoal()
    {
        var checkIns = CheckIns.ToCheckIns();
        return new Goal(Id, GroupId, MemberId, Title, Why, Measure, Cadence, StartDate, EndDate, Reward, Consequence, Visibility, SetAt)
        {
            Status = Status,
            ClosedOn = ClosedOn,
            ClosedAt = ClosedAt,
            Revision = Revision,
            TermsHistory = [.. Terms],
            EndDateHistory = [.. EndDates],
            CheckIns = checkIns.ToImmutableSortedDictionary(c => c.Date, c => c),
            CheckInDates = checkIns.ToImmutableDictionary(c => c.CheckInId, c => c.Date),
            Corrections = Corrections.ToImmutableDictionary(c => c.CorrectionId, c => c),
            RecordedWins = [.. Wins],
        };
    }

    public string ToJson() => ReadModelJson.Serialize(this);

    public static GoalSnapshot FromJson(string json) => ReadModelJson.Deserialize<GoalSnapshot>(json);
}

/// <summary>
/// A goal's check-ins column by column: per check-in its id, local date (day number) and version count; per version
/// (flattened in order) its UTC ticks, flags (1 done, 2 stuck, 4 shared to the feed), value and mood.
/// </summary>
internal sealed record CheckInColumns(Guid[] Ids, int[] Dates, int[] VersionCounts, long[] At, int[] Flags, decimal?[] Values, int?[] Moods)
{
    private const int DoneFlag = 1;
    private const int StuckFlag = 2;
    private const int SharedFlag = 4;

    public static CheckInColumns From(IEnumerable<CheckIn> checkIns)
    {
        var list = checkIns.OrderBy(c => c.Date).ToList();
        var versions = list.SelectMany(c => c.Versions).ToList();
        return new CheckInColumns(
            list.Select(c => c.CheckInId).ToArray(),
            list.Select(c => c.Date.DayNumber).ToArray(),
            list.Select(c => c.Versions.Count).ToArray(),
            versions.Select(v => v.RecordedAt.UtcTicks).ToArray(),
            versions.Select(v => (v.Content.Done ? DoneFlag : 0) | (v.Content.Stuck ? StuckFlag : 0) | (v.Content.ShareToFeed ? SharedFlag : 0)).ToArray(),
            versions.Select(v => v.Content.Value).ToArray(),
            versions.Select(v => v.Content.Mood).ToArray());
    }

    public List<CheckIn> ToCheckIns()
    {
        var result = new List<CheckIn>(Ids.Length);
        var v = 0;
        for (var i = 0; i < Ids.Length; i++)
        {
            var date = DateOnly.FromDayNumber(Dates[i]);
            var builder = ImmutableList.CreateBuilder<CheckInVersion>();
            for (var k = 0; k < VersionCounts[i]; k++, v++)
            {
                var content = new CheckInContent((Flags[v] & DoneFlag) != 0, Values[v], null, [], Moods[v], (Flags[v] & StuckFlag) != 0, (Flags[v] & SharedFlag) != 0);
                builder.Add(new CheckInVersion(content, new DateTimeOffset(At[v], TimeSpan.Zero), string.Empty, date).Following(k == 0 ? null : builder[k - 1]));
            }

            result.Add(new CheckIn(Ids[i], date, builder.ToImmutable()));
        }

        return result;
    }
}
