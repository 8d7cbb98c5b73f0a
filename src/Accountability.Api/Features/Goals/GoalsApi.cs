using Accountability.Api.Features.Goals.ChangeGoalVisibility;
using Accountability.Api.Features.Goals.CloseGoal;
using Accountability.Api.Features.Goals.GetGoal;
using Accountability.Api.Features.Goals.ReviseGoal;
using Accountability.Api.Features.Goals.SetGoal;
using Accountability.Api.Features.Goals.StreakCorrections;

namespace Accountability.Api.Features.Goals;

/// <summary>Goals (<c>/api/v1/goals/...</c>, set under <c>/api/v1/groups/{groupId}/goals</c>) and streak corrections.</summary>
public static class GoalsApi
{
    public const string Prefix = "/api/v1";

    public static WebApplication MapGoalsApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup(Prefix).WithTags("Goals");
        api.MapSetGoal();
        api.MapGetGoal();
        api.MapReviseGoal();
        api.MapChangeGoalVisibility();
        api.MapCloseGoal();
        api.MapStreakCorrections();
        return app;
    }
}
