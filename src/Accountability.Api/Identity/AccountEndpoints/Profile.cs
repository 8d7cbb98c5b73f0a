using Accountability.Api.Identity.Authentication;
using Accountability.Api.Identity.Accounts;
using Accountability.Api.Infrastructure.Http.Problems;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>The signed-in member's profile; <see cref="TwoFactorEnabled"/>: whether sign-in needs an authenticator code.</summary>
public sealed record ProfileResponse(Guid MemberId, string? Email, string DisplayName, string TimeZone, bool TwoFactorEnabled);

/// <summary>GET /api/v1/account/profile.</summary>
public sealed record GetProfile : IRequest<ProfileResponse>;

internal sealed class GetProfileHandler(AccountsDbContext db, CurrentUser currentUser) : IRequestHandler<GetProfile, ProfileResponse>
{
    public async Task<ProfileResponse> Handle(GetProfile request, CancellationToken cancellationToken)
    {
        var memberId = currentUser.MemberId;
        return await db.Users.AsNoTracking()
                .Where(a => a.Id == memberId)
                .Select(a => new ProfileResponse(a.Id, a.Email, a.DisplayName, a.TimeZone, a.TwoFactorEnabled))
                .FirstOrDefaultAsync(cancellationToken)
            ?? throw ProblemException.NotFound();
    }
}

/// <summary>PUT /api/v1/account/profile: display name and IANA time zone, both required.</summary>
public sealed record UpdateProfileRequest(string? DisplayName, string? TimeZone);

public sealed record UpdateProfile(string DisplayName, string TimeZone) : IRequest<ProfileResponse>;

internal sealed class UpdateProfileValidator : AbstractValidator<UpdateProfile>
{
    public UpdateProfileValidator()
    {
        RuleFor(r => r.DisplayName).ValidDisplayName();
        RuleFor(r => r.TimeZone).ValidTimeZone();
    }
}

internal sealed class UpdateProfileHandler(AccountsDbContext db, CurrentUser currentUser, KnownSessions known) : IRequestHandler<UpdateProfile, ProfileResponse>
{
    public async Task<ProfileResponse> Handle(UpdateProfile request, CancellationToken cancellationToken)
    {
        var account = await db.Users.FirstOrDefaultAsync(a => a.Id == currentUser.MemberId, cancellationToken)
            ?? throw ProblemException.NotFound();
        account.DisplayName = request.DisplayName.Trim();
        account.TimeZone = request.TimeZone;
        await db.SaveChangesAsync(cancellationToken);
        known.Forget(account.Id);
        return new ProfileResponse(account.Id, account.Email, account.DisplayName, account.TimeZone, account.TwoFactorEnabled);
    }
}
