using System.Collections.Immutable;

namespace Accountability.Domain.Goals;

/// <summary>What a check-in says. Equality compares answers by content, so a retried post is recognised.</summary>
public sealed record CheckInContent(
    bool Done,
    decimal? Value,
    string? Note,
    IReadOnlyList<PromptAnswer> Answers,
    int? Mood,
    bool Stuck,
    bool ShareToFeed)
{
    public bool Equals(CheckInContent? other) =>
        other is not null
        && Done == other.Done
        && Value == other.Value
        && Note == other.Note
        && Mood == other.Mood
        && Stuck == other.Stuck
        && ShareToFeed == other.ShareToFeed
        && Answers.SequenceEqual(other.Answers);

    public override int GetHashCode() => HashCode.Combine(Done, Value, Note, Mood, Stuck, ShareToFeed, Answers.Count);
}

/// <summary>One version of a check-in: the original post or an amendment.</summary>
public sealed record CheckInVersion(CheckInContent Content, DateTimeOffset RecordedAt, string TimeZoneId, DateOnly RecordedOnLocalDate)
{
    /// <summary>
    /// Since when the date has counted as done without a break, as of this version: the first of the done versions
    /// that run up to it; null when this version is not done. Set by <see cref="Following"/>.
    /// </summary>
    public DateTimeOffset? DoneSince { get; private init; }

    /// <summary>This version as recorded after <paramref name="previous"/> (null for the first version).</summary>
    public CheckInVersion Following(CheckInVersion? previous) =>
        this with { DoneSince = Content.Done ? previous?.DoneSince ?? RecordedAt : null };
}

/// <summary>The check-in of one local date with every version, so "as of" views see what was known then.</summary>
public sealed record CheckIn(Guid CheckInId, DateOnly Date, ImmutableList<CheckInVersion> Versions)
{
    public CheckInVersion Current => Versions[^1];

    public DateTimeOffset FirstPostedAt => Versions[0].RecordedAt;

    /// <summary>This check-in with <paramref name="version"/> recorded after its current one.</summary>
    public CheckIn Amended(CheckInVersion version) => this with { Versions = Versions.Add(version.Following(Current)) };

    /// <summary>The version in force at <paramref name="asOf"/>, or null if the check-in did not exist yet.</summary>
    public CheckInVersion? AsOf(DateTimeOffset asOf)
    {
        if (Current.RecordedAt <= asOf)
        {
            return Current;
        }

        CheckInVersion? found = null;
        foreach (var version in Versions)
        {
            if (version.RecordedAt > asOf)
            {
                break;
            }

            found = version;
        }

        return found;
    }
}

/// <summary>A change of cadence and/or measure that applies to dates from <paramref name="EffectiveFrom"/>.</summary>
public sealed record TermsChange(int Revision, DateOnly EffectiveFrom, Cadence? Cadence, GoalMeasure? Measure, DateTimeOffset RecordedAt);

public sealed record EndDateChange(DateOnly? EndDate, DateTimeOffset RecordedAt);

public sealed record StreakCorrection(
    Guid CorrectionId,
    DateOnly Date,
    string Reason,
    Guid RequestedBy,
    DateTimeOffset RequestedAt,
    CorrectionStatus Status = CorrectionStatus.Pending,
    Guid? DecidedBy = null,
    DateTimeOffset? DecidedAt = null);

/// <summary>A member's goal in a group, folded from its goal stream.</summary>
public sealed record Goal(
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
    DateTimeOffset SetAt)
{
    public GoalStatus Status { get; init; } = GoalStatus.Active;

    /// <summary>Local date the goal was achieved or abandoned.</summary>
    public DateOnly? ClosedOn { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    public int Revision { get; init; }

    /// <summary>Cadence and measure over local dates; the first entry is the original terms.</summary>
    public ImmutableList<TermsChange> TermsHistory { get; init; } = [];

    public ImmutableList<EndDateChange> EndDateHistory { get; init; } = [];

    public ImmutableSortedDictionary<DateOnly, CheckIn> CheckIns { get; init; } = ImmutableSortedDictionary<DateOnly, CheckIn>.Empty;

    public ImmutableDictionary<Guid, DateOnly> CheckInDates { get; init; } = ImmutableDictionary<Guid, DateOnly>.Empty;

    public ImmutableDictionary<Guid, StreakCorrection> Corrections { get; init; } = ImmutableDictionary<Guid, StreakCorrection>.Empty;

    public ImmutableHashSet<Guid> RecordedWins { get; init; } = [];

    public bool IsActive => Status == GoalStatus.Active;

    /// <summary>The cadence for a local date as known at <paramref name="asOf"/>: the latest recorded change effective by then.</summary>
    public Cadence CadenceOn(DateOnly date, DateTimeOffset asOf)
    {
        var cadence = TermsHistory[0].Cadence!;
        foreach (var change in TermsHistory)
        {
            if (change.RecordedAt <= asOf && change.EffectiveFrom <= date && change.Cadence is { } c)
            {
                cadence = c;
            }
        }

        return cadence;
    }

    public GoalMeasure MeasureOn(DateOnly date, DateTimeOffset asOf)
    {
        var measure = TermsHistory[0].Measure!;
        foreach (var change in TermsHistory)
        {
            if (change.RecordedAt <= asOf && change.EffectiveFrom <= date && change.Measure is { } m)
            {
                measure = m;
            }
        }

        return measure;
    }

    public DateOnly? EndDateAsOf(DateTimeOffset asOf) => EndDateHistory.LastOrDefault(e => e.RecordedAt <= asOf)?.EndDate ?? EndDateHistory[0].EndDate;

    public static Goal? Evolve(Goal? state, object @event) => @event switch
    {
        GoalSet e => Create(e),
        _ when state is null => null,
        _ => state.Apply(@event),
    };

    private static Goal Create(GoalSet e) => new(
        e.GoalId, e.GroupId, e.MemberId, e.Title, e.Why, e.Measure, e.Cadence, e.StartDate, e.EndDate, e.Reward, e.Consequence, e.Visibility, e.SetAt)
    {
        TermsHistory = [new TermsChange(0, DateOnly.MinValue, e.Cadence, e.Measure, e.SetAt)],
        EndDateHistory = [new EndDateChange(e.EndDate, e.SetAt)],
    };

    private Goal Apply(object @event) => @event switch
    {
        GoalRevised e => this with
        {
            Revision = e.Revision,
            Title = e.Title ?? Title,
            Why = e.Why ?? Why,
            Reward = e.Reward ?? Reward,
            Consequence = e.Consequence ?? Consequence,
            EndDate = e.EndDate ?? EndDate,
            Measure = e.Measure ?? Measure,
            Cadence = e.Cadence ?? Cadence,
            TermsHistory = e.Cadence is null && e.Measure is null
                ? TermsHistory
                : TermsHistory.Add(new TermsChange(e.Revision, e.EffectiveFrom, e.Cadence, e.Measure, e.RevisedAt)),
            EndDateHistory = e.EndDate is null ? EndDateHistory : EndDateHistory.Add(new EndDateChange(e.EndDate, e.RevisedAt)),
        },
        GoalVisibilityChanged e => this with { Visibility = e.Visibility },
        GoalAchieved e => this with { Status = GoalStatus.Achieved, ClosedOn = e.AchievedOn, ClosedAt = e.AchievedAt },
        GoalAbandoned e => this with { Status = GoalStatus.Abandoned, ClosedOn = e.AbandonedOn, ClosedAt = e.AbandonedAt },
        CheckInPosted e => WithVersion(e.CheckInId, e.Date,
            new CheckInVersion(new CheckInContent(e.Done, e.Value, e.Note, e.Answers, e.Mood, e.Stuck, e.ShareToFeed), e.PostedAt, e.TimeZoneId, e.PostedOnLocalDate)),
        CheckInAmended e => WithVersion(e.CheckInId, e.Date,
            new CheckInVersion(new CheckInContent(e.Done, e.Value, e.Note, e.Answers, e.Mood, e.Stuck, e.ShareToFeed), e.AmendedAt, e.TimeZoneId, e.AmendedOnLocalDate)),
        StreakCorrectionRequested e => this with
        {
            Corrections = Corrections.SetItem(e.CorrectionId, new StreakCorrection(e.CorrectionId, e.Date, e.Reason, e.RequestedBy, e.RequestedAt)),
        },
        StreakCorrectionApproved e => Decided(e.CorrectionId, CorrectionStatus.Approved, e.ApprovedBy, e.ApprovedAt),
        StreakCorrectionRejected e => Decided(e.CorrectionId, CorrectionStatus.Rejected, e.RejectedBy, e.RejectedAt),
        WinRecorded e => this with { RecordedWins = RecordedWins.Add(e.WinId) },
        _ => this,
    };

    private Goal WithVersion(Guid checkInId, DateOnly date, CheckInVersion version)
    {
        var checkIn = CheckIns.TryGetValue(date, out var existing)
            ? existing.Amended(version)
            : new CheckIn(checkInId, date, [version.Following(null)]);
        return this with
        {
            CheckIns = CheckIns.SetItem(date, checkIn),
            CheckInDates = CheckInDates.SetItem(checkInId, date),
        };
    }

    private Goal Decided(Guid correctionId, CorrectionStatus status, Guid by, DateTimeOffset at) =>
        Corrections.TryGetValue(correctionId, out var correction)
            ? this with { Corrections = Corrections.SetItem(correctionId, correction with { Status = status, DecidedBy = by, DecidedAt = at }) }
            : this;
}
