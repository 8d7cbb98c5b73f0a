using System.Security.Cryptography;
using System.Text;
using Accountability.Api.Identity.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Accountability.Api.Tests.Infrastructure;

/// <summary>
/// Mints access tokens for a host with its real signing key, correct or broken in one chosen way, so tests can
/// check that each kind of bad token is refused. Start from <see cref="Valid"/> and change one thing.
/// </summary>
public sealed class TestTokens(ApiHost host)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private TokenSettings Settings => host.Services.GetRequiredService<TokenSettings>();

    /// <summary>A descriptor like the service's own for <paramref name="member"/>'s session: valid as it is.</summary>
    public async Task<SecurityTokenDescriptor> ValidAsync(TestMember member)
    {
        var issued = new JsonWebToken(member.AccessToken);
        var now = DateTime.UtcNow;
        return new SecurityTokenDescriptor
        {
            Issuer = Settings.Issuer,
            Audience = Settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            TokenType = "at+jwt",
            SigningCredentials = await host.Services.GetRequiredService<SigningKeys>().GetSigningCredentialsAsync(CancellationToken.None),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = issued.Subject,
                ["sid"] = issued.GetClaim("sid").Value,
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
        };
    }

    public static string Create(SecurityTokenDescriptor descriptor) => Handler.CreateToken(descriptor);

    public async Task<string> ValidTokenAsync(TestMember member) => Create(await ValidAsync(member));

    public async Task<string> ExpiredAsync(TestMember member)
    {
        var descriptor = await ValidAsync(member);
        descriptor.IssuedAt = descriptor.NotBefore = DateTime.UtcNow.AddMinutes(-30);
        descriptor.Expires = DateTime.UtcNow.AddMinutes(-10);
        return Create(descriptor);
    }

    public async Task<string> NotYetValidAsync(TestMember member)
    {
        var descriptor = await ValidAsync(member);
        descriptor.NotBefore = DateTime.UtcNow.AddMinutes(10);
        descriptor.Expires = DateTime.UtcNow.AddMinutes(20);
        return Create(descriptor);
    }

    public async Task<string> WrongIssuerAsync(TestMember member)
    {
        var descriptor = await ValidAsync(member);
        descriptor.Issuer = "https://attacker.example";
        return Create(descriptor);
    }

    public async Task<string> WrongAudienceAsync(TestMember member)
    {
        var descriptor = await ValidAsync(member);
        descriptor.Audience = "some-other-api";
        return Create(descriptor);
    }

    public async Task<string> WrongTypeAsync(TestMember member)
    {
        var descriptor = await ValidAsync(member);
        descriptor.TokenType = "JWT";
        return Create(descriptor);
    }

    /// <summary>Signed by a key the service never issued (an attacker's own RSA key).</summary>
    public async Task<string> ForeignKeyAsync(TestMember member)
    {
        var descriptor = await ValidAsync(member);
        using var rsa = RSA.Create(2048);
        descriptor.SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa.ExportParameters(true)) { KeyId = "attacker" }, SecurityAlgorithms.RsaSha256);
        return Create(descriptor);
    }

    /// <summary>The member's real token with one signature character changed.</summary>
    public static string TamperedSignature(string token)
    {
        var parts = token.Split('.');
        var signature = parts[2].ToCharArray();
        signature[10] = signature[10] == 'A' ? 'B' : 'A';
        return $"{parts[0]}.{parts[1]}.{new string(signature)}";
    }

    /// <summary>The member's real token with its payload changed (another subject), signature kept.</summary>
    public static string TamperedPayload(string token, Guid otherSubject)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        var sub = new JsonWebToken(token).Subject;
        payload = payload.Replace(sub, otherSubject.ToString(), StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }

    /// <summary>The member's real claims under <c>alg: none</c> and no signature.</summary>
    public static string AlgNone(string token)
    {
        var payload = token.Split('.')[1];
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"at+jwt"}""");
        return $"{header}.{payload}.";
    }

    /// <summary>HS256 "signed" with the public key as the HMAC secret: the classic algorithm-confusion attack.</summary>
    public async Task<string> AlgorithmConfusionAsync(TestMember member)
    {
        var descriptor = await ValidAsync(member);
        var rsa = ((RsaSecurityKey)descriptor.SigningCredentials.Key).Rsa;
        var publicKey = rsa.ExportSubjectPublicKeyInfo();
        descriptor.SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(publicKey) { KeyId = descriptor.SigningCredentials.Key.KeyId }, SecurityAlgorithms.HmacSha256);
        return Create(descriptor);
    }
}
