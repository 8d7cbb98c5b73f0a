namespace Accountability.Domain.Members;

// Enum values are stored in events: never renumber.

public enum PauseReason
{
    Vacation = 0,
    Illness = 1,
    Injury = 2,
    Travel = 3,
    Family = 4,
    Work = 5,
    Other = 6,
}

public enum ReportReason
{
    Spam = 0,
    Harassment = 1,
    Inappropriate = 2,
    Misinformation = 3,
    Other = 4,
}

public enum PartnerRequestStatus
{
    Pending = 0,
    Withdrawn = 1,
}

/// <summary>
/// A declared pause: its days are neutral everywhere (streaks, consistency, leaderboards, coach queue).
/// <see cref="LastDate"/> null means "until I end it".
/// </summary>
public sealed record Pause(
    Guid PauseId,
    DateOnly FirstDate,
    DateOnly? LastDate,
    PauseReason Reason,
    string? Note,
    DateTimeOffset DeclaredAt,
    DateOnly? EndedLastDate = null,
    DateTimeOffset? EndedAt = null)
{
    public bool IsEnded => EndedAt is not null;

    /// <summary>The last paused date as known at <paramref name="asOf"/> (null: open-ended); ignores a pause declared later.</summary>
    public DateOnly? LastDateAsOf(DateTimeOffset asOf) =>
        EndedAt is { } ended && ended <= asOf ? EndedLastDate : LastDate;

    public bool Covers(DateOnly date, DateTimeOffset asOf) =>
        DeclaredAt <= asOf && date >= FirstDate && (LastDateAsOf(asOf) is not { } last || date <= last);

    /// <summary>The dates the pause covers now, for overlap checks (an ended-before-start pause covers none).</summary>
    internal bool Overlaps(DateOnly first, DateOnly? last)
    {
        var myLast = EndedLastDate ?? LastDate;
        if (myLast is { } ml && ml < FirstDate)
        {
            return false;
        }

        return (myLast is null || first <= myLast) && (last is null || FirstDate <= last);
    }
}

/// <summary>A partner request as recorded on the requester's stream. Acceptance and declines are on the group stream.</summary>
public sealed record PartnerRequest(
    Guid RequestId,
    Guid GroupId,
    Guid RequesterId,
    Guid TargetId,
    string? Message,
    DateTimeOffset RequestedAt,
    PartnerRequestStatus Status);

public sealed record PostedComment(Guid CommentId, Guid GroupId, Guid ItemId, string Text, bool Deleted);

public sealed record SentNudge(Guid NudgeId, Guid GroupId, Guid ReceiverId, DateOnly SenderLocalDate);

public sealed record FiledReport(Guid ReportId, Guid GroupId, Guid ItemId);

/// <summary>Identifies a feed item in a group (item ids are unique, the group keeps lookups scoped).</summary>
public readonly record struct ItemKey(Guid GroupId, Guid ItemId);
