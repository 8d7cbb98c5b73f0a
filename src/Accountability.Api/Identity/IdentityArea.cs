using Accountability.Api.Identity.Access;
using Accountability.Api.Identity.AccountEndpoints;
using Accountability.Api.Identity.Accounts;
using Accountability.Api.Identity.Authentication;
using Accountability.Api.Identity.Tokens;
using Accountability.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Accountability.Api.Identity;

/// <summary>
/// Accounts and access: ASP.NET Core Identity on PostgreSQL, the service's own JWT access tokens and rotating
/// refresh tokens, an optional external OpenID Connect authority, Data Protection keys shared through the
/// database, and the access-rule authorization that every endpoint declares.
/// </summary>
public static class IdentityArea
{
    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;
        var tokens = configuration.GetSection(TokenSettings.Section).Get<TokenSettings>() ?? new TokenSettings();
        var external = configuration.GetSection(ExternalAuthoritySettings.Section).Get<ExternalAuthoritySettings>() ?? new ExternalAuthoritySettings();
        services.AddSingleton(tokens);
        services.AddSingleton(external);

        services.AddDbContext<AccountsDbContext>((provider, options) =>
            options.UseNpgsql(provider.GetRequiredService<EdgeDataSource>().DataSource));
        services.AddIdentityCore<Account>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.User.AllowedUserNameCharacters = string.Empty;
                options.Password.RequiredLength = AccountRules.PasswordMinLength;
                options.Password.RequiredUniqueChars = 4;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = tokens.LockoutFailures;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(tokens.LockoutMinutes);
            })
            .AddUserStore<ProtectedAccountStore>()
            .AddTokenProvider<AuthenticatorTokenProvider<Account>>(TokenOptions.DefaultAuthenticatorProvider)
            .AddPasswordValidator<PasswordPolicy>();

        // Before AddDataProtection: its hosted service loads the key ring, which needs the schema this one creates.
        services.AddHostedService<AccountsStartup>();
        var keyProtection = configuration.GetSection(KeyProtectionSettings.Section).Get<KeyProtectionSettings>() ?? new KeyProtectionSettings();
        keyProtection.Apply(services.AddDataProtection()
            .SetApplicationName("Accountability")
            .PersistKeysToDbContext<AccountsDbContext>());

        services.AddSingleton<SigningKeys>();
        services.AddHostedService<SigningKeyRotation>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<LoginThrottle>();
        services.AddScoped<SecondFactor>();
        services.AddScoped<TwoFactorAccount>();
        services.AddScoped<Sessions>();
        services.AddScoped<SignIns>();
        services.AddScoped<MemberDirectory>();
        services.AddSingleton<LocalMembers>();
        services.AddSingleton<KnownSessions>();
        services.AddHostedService(sp => sp.GetRequiredService<KnownSessions>());
        services.AddHttpContextAccessor();
        services.AddScoped(provider => CurrentUser.From(provider.GetRequiredService<IHttpContextAccessor>().HttpContext?.User));

        services.AddBearerAuthentication(tokens, external);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder()
                .AddRequirements(new UndeclaredEndpointRequirement()).Build());
        services.AddScoped<IAuthorizationHandler, AccessAuthorizationHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AccessResultHandler>();
        return builder;
    }
}
