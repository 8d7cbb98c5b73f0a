using Accountability.Api.Identity.Authentication;
using Microsoft.AspNetCore.SignalR;

namespace Accountability.Api.Features.RealTime;

/// <summary>SignalR's user id of a connection: the member id (<c>sub</c>), the claim every request already reads.</summary>
internal sealed class MemberUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) =>
        connection.User.FindFirst(AccountabilityClaims.MemberId)?.Value;
}
