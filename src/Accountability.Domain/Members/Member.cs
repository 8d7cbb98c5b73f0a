using System.Collections.Immutable;
using Accountability.Domain.Time;

namespace Accountability.Domain.Members;

/// <summary>One person's state, folded from their member stream. The member id is the user id.</summary>
public sealed record Member(Guid Id)
{
    /// <summary>Own zone over time; empty means "never set" (groups then use their default zone).</summary>
    public ImmutableList<ZoneSpan> ZoneHistory { get; init; } = [];

    public ImmutableDictionary<Guid, Pause> Pauses { get; init; } = ImmutableDictionary<Guid, Pause>.Empty;

    public ImmutableDictionary<Guid, PartnerRequest> PartnerRequests { get; init; } = ImmutableDictionary<Guid, PartnerRequest>.Empty;

    public ImmutableHashSet<ItemKey> KudosGiven { get; init; } = [];

    public ImmutableDictionary<Guid, PostedComment> Comments { get; init; } = ImmutableDictionary<Guid, PostedComment>.Empty;

    public ImmutableDictionary<ItemKey, FiledReport> Reports { get; init; } = ImmutableDictionary<ItemKey, FiledReport>.Empty;

    /// <summary>Nudges of the last few local days only: enough for the daily budget.</summary>
    public ImmutableList<SentNudge> RecentNudges { get; init; } = [];

    public string? TimeZoneId => ZoneHistory.IsEmpty ? null : ZoneHistory[^1].TimeZoneId;

    public static Member? Evolve(Member? state, object @event)
    {
        var owner = OwnerOf(@event);
        if (owner is null)
        {
            return state;
        }

        return (state ?? new Member(owner.Value)).Apply(@event);
    }

    private static Guid? OwnerOf(object @event) => @event switch
    {
        TimeZoneChanged e => e.MemberId,
        PauseDeclared e => e.MemberId,
        PauseEnded e => e.MemberId,
        KudosGiven e => e.GiverId,
        KudosWithdrawn e => e.GiverId,
        CommentPosted e => e.AuthorId,
        CommentDeleted e => e.AuthorId,
        NudgeSent e => e.SenderId,
        FeedItemReported e => e.ReporterId,
        PartnerRequested e => e.RequesterId,
        PartnerRequestWithdrawn e => e.RequesterId,
        _ => null,
    };

    private Member Apply(object @event) => @event switch
    {
        TimeZoneChanged e => this with { ZoneHistory = ZoneHistory.Add(new ZoneSpan(e.ChangedAt, e.TimeZoneId)) },
        PauseDeclared e => this with
        {
            Pauses = Pauses.SetItem(e.PauseId, new Pause(e.PauseId, e.FirstDate, e.LastDate, e.Reason, e.Note, e.DeclaredAt)),
        },
        PauseEnded e when Pauses.TryGetValue(e.PauseId, out var pause) => this with
        {
            Pauses = Pauses.SetItem(e.PauseId, pause with { EndedLastDate = e.LastPausedDate, EndedAt = e.EndedAt }),
        },
        KudosGiven e => this with { KudosGiven = KudosGiven.Add(new ItemKey(e.GroupId, e.ItemId)) },
        KudosWithdrawn e => this with { KudosGiven = KudosGiven.Remove(new ItemKey(e.GroupId, e.ItemId)) },
        CommentPosted e => this with { Comments = Comments.SetItem(e.CommentId, new PostedComment(e.CommentId, e.GroupId, e.ItemId, e.Text, false)) },
        CommentDeleted e when Comments.TryGetValue(e.CommentId, out var comment) => this with
        {
            Comments = Comments.SetItem(e.CommentId, comment with { Deleted = true }),
        },
        NudgeSent e => this with
        {
            RecentNudges = RecentNudges
                .RemoveAll(n => n.SenderLocalDate < e.SenderLocalDate.AddDays(-2))
                .Add(new SentNudge(e.NudgeId, e.GroupId, e.ReceiverId, e.SenderLocalDate)),
        },
        FeedItemReported e => this with { Reports = Reports.SetItem(new ItemKey(e.GroupId, e.ItemId), new FiledReport(e.ReportId, e.GroupId, e.ItemId)) },
        PartnerRequested e => this with
        {
            PartnerRequests = PartnerRequests.SetItem(e.RequestId,
                new PartnerRequest(e.RequestId, e.GroupId, e.RequesterId, e.TargetId, e.Message, e.RequestedAt, PartnerRequestStatus.Pending)),
        },
        PartnerRequestWithdrawn e when PartnerRequests.TryGetValue(e.RequestId, out var request) => this with
        {
            PartnerRequests = PartnerRequests.SetItem(e.RequestId, request with { Status = PartnerRequestStatus.Withdrawn }),
        },
        _ => this,
    };
}
