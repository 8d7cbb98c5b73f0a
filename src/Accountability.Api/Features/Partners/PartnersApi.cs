using Accountability.Api.Features.Partners.Comments;
using Accountability.Api.Features.Partners.Kudos;
using Accountability.Api.Features.Partners.Nudges;
using Accountability.Api.Features.Partners.Pairs;
using Accountability.Api.Features.Partners.Requests;

namespace Accountability.Api.Features.Partners;

/// <summary>
/// <c>/api/v1/groups/{groupId}/...</c>: accountability pairs (assigned by a coach, or asked for and accepted),
/// nudges between partners with daily budgets, kudos and comments on the group's items.
/// </summary>
public static class PartnersApi
{
    public const string Prefix = "/api/v1/groups";

    public static WebApplication MapPartnersApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var groups = app.MapGroup(Prefix).WithTags("Partners");
        groups.MapPairs();
        groups.MapPartnerRequests();
        groups.MapNudges();
        groups.MapKudos();
        groups.MapComments();
        return app;
    }
}
