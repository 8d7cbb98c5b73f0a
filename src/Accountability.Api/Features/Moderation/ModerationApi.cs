using Accountability.Api.Features.Moderation.Announcements;
using Accountability.Api.Features.Moderation.Comments;
using Accountability.Api.Features.Moderation.Items;
using Accountability.Api.Features.Moderation.Mutes;
using Accountability.Api.Features.Moderation.Reports;

namespace Accountability.Api.Features.Moderation;

/// <summary>
/// <c>/api/v1/groups/{groupId}/...</c>: coach announcements; hiding and restoring items and comments (with a
/// reason); muting; members' reports, with items reported by three members held for the coach.
/// </summary>
public static class ModerationApi
{
    public const string Prefix = "/api/v1/groups";

    public static WebApplication MapModerationApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var groups = app.MapGroup(Prefix).WithTags("Moderation");
        groups.MapAnnouncements();
        groups.MapItemModeration();
        groups.MapCommentModeration();
        groups.MapMutes();
        groups.MapReports();
        return app;
    }
}
