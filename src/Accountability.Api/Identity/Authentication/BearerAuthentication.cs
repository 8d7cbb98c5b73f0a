using System.Security.Claims;
using System.Text.Json;
using Accountability.Api.Identity.Tokens;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Accountability.Api.Identity.Authentication;

/// <summary>
/// Bearer authentication: one policy scheme that looks at the token's issuer and forwards to the local scheme
/// (tokens this service issued, keys from <see cref="SigningKeys"/>, each token validated once by
/// <see cref="ValidatedTokens"/>) or to the external authority's scheme
/// (discovery and JWKS from its <c>Authority</c>). Either way the validated principal is rebuilt from the
/// database as the same member principal, so authorization afterwards cannot tell them apart.
/// </summary>
public static class BearerAuthentication
{
    /// <summary>The default scheme: picks <see cref="LocalScheme"/> or <see cref="ExternalScheme"/> per request.</summary>
    public const string Scheme = "Bearer";
    public const string LocalScheme = "local";
    public const string ExternalScheme = "external";

    internal static void AddBearerAuthentication(this IServiceCollection services, TokenSettings local, ExternalAuthoritySettings external)
    {
        var authentication = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer token (local or external issuer)", options =>
                options.ForwardDefaultSelector = context => SelectScheme(context, local, external))
            .AddJwtBearer(LocalScheme, options =>
            {
                options.MapInboundClaims = false;
                options.SaveToken = false;
                options.IncludeErrorDetails = true;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = local.Issuer,
                    ValidAudience = local.Audience,
                    ValidAlgorithms = [SigningKeys.Algorithm],
                    ValidTypes = ["at+jwt"],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ValidateIssuerSigningKey = true,
                    ClockSkew = TimeSpan.FromSeconds(local.ClockSkewSeconds),
                    NameClaimType = AccountabilityClaims.DisplayName,
                    RoleClaimType = "role",
                };
                options.Events = new JwtBearerEvents
                {
                    OnMessageReceived = ReadTokenAsync,
                    OnTokenValidated = OnLocalTokenValidatedAsync,
                };
            });
        services.AddSingleton<ValidatedTokens>();
        services.AddOptions<JwtBearerOptions>(LocalScheme)
            .Configure<SigningKeys, ValidatedTokens>((options, keys, tokens) =>
            {
                options.ConfigurationManager = keys;
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(tokens);
            });

        if (external.IsConfigured)
        {
            authentication.AddJwtBearer(ExternalScheme, options =>
            {
                options.Authority = external.Authority;
                options.Audience = external.Audience;
                options.RequireHttpsMetadata = external.RequireHttpsMetadata;
                options.MapInboundClaims = false;
                options.SaveToken = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidAudience = external.Audience,
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ValidateIssuerSigningKey = true,
                    ValidTypes = external.ValidTypes.Length > 0 ? external.ValidTypes : null,
                    ClockSkew = TimeSpan.FromSeconds(local.ClockSkewSeconds),
                    NameClaimType = AccountabilityClaims.DisplayName,
                    RoleClaimType = "role",
                };
                options.Events = new JwtBearerEvents
                {
                    OnMessageReceived = ReadTokenAsync,
                    OnTokenValidated = OnExternalTokenValidatedAsync,
                };
            });
        }
    }

    private static string SelectScheme(HttpContext context, TokenSettings local, ExternalAuthoritySettings external)
    {
        if (!external.IsConfigured || BearerTokenReader.Read(context) is not { } token)
        {
            return LocalScheme;
        }

        try
        {
            return new JsonWebToken(token).Issuer == local.Issuer ? LocalScheme : ExternalScheme;
        }
        catch (Exception exception) when (exception is ArgumentException or SecurityTokenException or JsonException or FormatException)
        {
            // Not a JWT at all: the local scheme rejects it without any network call.
            return LocalScheme;
        }
    }

    private static Task ReadTokenAsync(MessageReceivedContext context)
    {
        context.Token = BearerTokenReader.Read(context.HttpContext);
        return Task.CompletedTask;
    }

    private static async Task OnLocalTokenValidatedAsync(TokenValidatedContext context)
    {
        var validated = context.Principal!;
        if (!Guid.TryParse(validated.FindFirst(AccountabilityClaims.MemberId)?.Value, out var memberId)
            || !Guid.TryParse(validated.FindFirst(AccountabilityClaims.SessionId)?.Value, out var sessionId))
        {
            context.Fail("The token does not name a member and session.");
            return;
        }

        var members = context.HttpContext.RequestServices.GetRequiredService<LocalMembers>();
        var member = await members.FindAsync(memberId, sessionId, context.HttpContext.RequestAborted);
        if (member is null)
        {
            context.Fail("The session has ended.");
            return;
        }

        context.Principal = MemberPrincipal(member, LocalScheme, sessionId);
    }

    private static async Task OnExternalTokenValidatedAsync(TokenValidatedContext context)
    {
        var validated = context.Principal!;
        var issuer = validated.FindFirst(JwtRegisteredClaimNames.Iss)?.Value;
        var subject = validated.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (string.IsNullOrEmpty(issuer) || string.IsNullOrEmpty(subject))
        {
            context.Fail("The token has no issuer or subject.");
            return;
        }

        var name = validated.FindFirst("name")?.Value ?? validated.FindFirst("preferred_username")?.Value;
        await using var scope = context.HttpContext.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<MemberDirectory>();
        var member = await directory.FindOrProvisionExternalAsync(issuer, subject, name, context.HttpContext.RequestAborted);
        context.Principal = MemberPrincipal(member, ExternalScheme, sessionId: null);
    }

    /// <summary>
    /// The member principal: only what requests read (<see cref="CurrentUser"/>). A hub connection holds it for its
    /// lifetime, so nothing rides along that nothing reads: the scheme is the identity's authentication type, and
    /// the token's expiry is in the authentication properties.
    /// </summary>
    private static ClaimsPrincipal MemberPrincipal(MemberSnapshot member, string source, Guid? sessionId)
    {
        var claims = new List<Claim>(4)
        {
            new(AccountabilityClaims.MemberId, member.MemberId.ToString()),
            new(AccountabilityClaims.DisplayName, member.DisplayName),
            new(AccountabilityClaims.TimeZone, member.TimeZone),
        };
        if (sessionId is { } sid)
        {
            claims.Add(new Claim(AccountabilityClaims.SessionId, sid.ToString()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, source, AccountabilityClaims.DisplayName, "role"));
    }
}
