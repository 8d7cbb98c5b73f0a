using Accountability.Api.Features.Members.ChangeTimeZone;
using Accountability.Api.Features.Members.DeclarePause;
using Accountability.Api.Features.Members.EndPause;
using Accountability.Api.Features.Members.GetPauses;

namespace Accountability.Api.Features.Members;

/// <summary><c>/api/v1/me</c>: the signed-in member's own facts: their time zone and their pauses.</summary>
public static class MembersApi
{
    public const string Prefix = "/api/v1/me";

    public static WebApplication MapMembersApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var me = app.MapGroup(Prefix).WithTags("Me");
        me.MapChangeTimeZone();
        me.MapDeclarePause();
        me.MapEndPause();
        me.MapGetPauses();
        return app;
    }
}
