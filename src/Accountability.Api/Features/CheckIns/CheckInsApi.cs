using Accountability.Api.Features.CheckIns.GetToday;
using Accountability.Api.Features.CheckIns.PostCheckIn;

namespace Accountability.Api.Features.CheckIns;

/// <summary>Check-ins (<c>/api/v1/goals/{goalId}/check-ins</c>) and the member's day in a group (<c>/api/v1/groups/{groupId}/today</c>).</summary>
public static class CheckInsApi
{
    public static WebApplication MapCheckInsApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/v1").WithTags("Check-ins");
        api.MapPostCheckIn();
        api.MapGetToday();
        return app;
    }
}
