using Accountability.Domain.Groups;

namespace Accountability.Domain.Feed;

/// <summary>A report as the moderation read model keeps it.</summary>
public sealed record ReportFact(Guid ReporterId, DateTimeOffset ReportedAt);

/// <summary>
/// Reports are filed on reporters' own streams; an item reported by <see cref="HoldThreshold"/> distinct
/// members is held (hidden from the group) until staff review it, as Circle does. A review (restore or
/// dismiss) resets the count: only reports filed after it can hold the item again.
/// </summary>
public static class ModerationRules
{
    public const int HoldThreshold = 3;

    public static ModerationStatus StatusOf(Group group, Guid itemId, IEnumerable<ReportFact> reports)
    {
        ArgumentNullException.ThrowIfNull(group);
        return StatusOf(group, itemId, DistinctReportersSinceReview(group, itemId, reports));
    }

    public static ModerationStatus StatusOf(Group group, Guid itemId, int distinctReportersSinceReview)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.HiddenItems.ContainsKey(itemId))
        {
            return ModerationStatus.Hidden;
        }

        return distinctReportersSinceReview >= HoldThreshold ? ModerationStatus.HeldForReview : ModerationStatus.Visible;
    }

    public static int DistinctReportersSinceReview(Group group, Guid itemId, IEnumerable<ReportFact> reports)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(reports);
        var reviewedAt = group.ItemReviews.TryGetValue(itemId, out var at) ? at : DateTimeOffset.MinValue;
        return reports.Where(r => r.ReportedAt > reviewedAt).Select(r => r.ReporterId).Distinct().Count();
    }
}
