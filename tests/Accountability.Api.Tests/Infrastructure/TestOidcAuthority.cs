using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Accountability.Api.Tests.Infrastructure;

/// <summary>
/// A stand-in OpenID Connect authority (as Duende IdentityServer, Keycloak or Entra ID would be): discovery
/// metadata and a JWKS served by a tiny Kestrel app on loopback, and access tokens signed with its RSA key.
/// </summary>
public sealed class TestOidcAuthority : IAsyncDisposable
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly WebApplication app;
    private readonly RsaSecurityKey key;

    private TestOidcAuthority(WebApplication app, RsaSecurityKey key)
    {
        this.app = app;
        this.key = key;
    }

    /// <summary>The authority and issuer: <c>http://127.0.0.1:{port}</c>.</summary>
    public string Issuer { get; private set; } = string.Empty;

    public static async Task<TestOidcAuthority> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-authority-key" };
        var authority = new TestOidcAuthority(app, key);

        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = authority.Issuer,
            ["jwks_uri"] = authority.Issuer + "/jwks",
            ["authorization_endpoint"] = authority.Issuer + "/authorize",
            ["token_endpoint"] = authority.Issuer + "/token",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
            return Results.Json(new
            {
                keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } },
            });
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        authority.Issuer = address.TrimEnd('/');
        return authority;
    }

    /// <summary>An access token from this authority for <paramref name="subject"/>; change the descriptor to break it.</summary>
    public string CreateToken(string subject, string audience, string? name = null, Action<SecurityTokenDescriptor>? change = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["jti"] = Guid.NewGuid().ToString("N") };
        if (name is not null)
        {
            claims["name"] = name;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            Claims = claims,
        };
        change?.Invoke(descriptor);
        return Handler.CreateToken(descriptor);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        key.Rsa?.Dispose();
    }
}
