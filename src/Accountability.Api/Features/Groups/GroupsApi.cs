using Accountability.Api.Features.Groups.ChangeGroupSettings;
using Accountability.Api.Features.Groups.ChangeLeaderboardRule;
using Accountability.Api.Features.Groups.CoCoaches;
using Accountability.Api.Features.Groups.CreateGroup;
using Accountability.Api.Features.Groups.GetGroups;
using Accountability.Api.Features.Groups.HandOver;
using Accountability.Api.Features.Groups.Invites;
using Accountability.Api.Features.Groups.JoinGroup;
using Accountability.Api.Features.Groups.LeaveGroup;
using Accountability.Api.Features.Groups.RankOptOut;
using Accountability.Api.Features.Groups.Roster;

namespace Accountability.Api.Features.Groups;

/// <summary><c>/api/v1/groups</c>: cohorts, their settings, invite codes, roster and roles.</summary>
public static class GroupsApi
{
    public const string Prefix = "/api/v1/groups";

    public static WebApplication MapGroupsApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var groups = app.MapGroup(Prefix).WithTags("Groups");
        groups.MapCreateGroup();
        groups.MapGetGroups();
        groups.MapChangeGroupSettings();
        groups.MapChangeLeaderboardRule();
        groups.MapInviteCodes();
        groups.MapJoinGroup();
        groups.MapLeaveGroup();
        groups.MapRoster();
        groups.MapCoCoaches();
        groups.MapHandOver();
        groups.MapRankOptOut();
        return app;
    }
}
