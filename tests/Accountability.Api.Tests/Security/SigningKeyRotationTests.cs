using Accountability.Api.Identity.Tokens;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Accountability.Api.Tests.Security;

/// <summary>
/// Token-signing keys rotate: a new key is known to every process before any process signs with it, and the old
/// one is deleted only when no token it signed can still be valid. Two <see cref="SigningKeys"/> on one real
/// database stand for two processes, on a clock the test moves.
/// </summary>
[Trait("Category", "Security")]
public sealed class SigningKeyRotationTests
{
    [Fact]
    public async Task A_new_key_is_known_everywhere_before_it_signs_and_the_old_one_goes_after_its_last_token_expires()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("keyrotation");
        await using var host = await ApiHost.StartAsync(new ApiHostOptions { ConnectionString = database });
        var settings = host.Services.GetRequiredService<TokenSettings>();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        SigningKeys Process() => new(
            host.Services.GetRequiredService<IServiceScopeFactory>(),
            host.Services.GetRequiredService<IDataProtectionProvider>(),
            settings,
            clock);
        using var first = Process();
        using var second = Process();

        var original = await SignerAsync(first);
        Assert.Equal(original, await SignerAsync(second));
        Assert.False(await first.RotateIfDueAsync(default));
        Assert.Equal(1, await CountAsync(database));

        // Due: one process stores one new key, however many try.
        clock.Advance(TimeSpan.FromDays(settings.SigningKeyDays) + TimeSpan.FromMinutes(1));
        var attempts = await Task.WhenAll(first.RotateIfDueAsync(default), second.RotateIfDueAsync(default));
        Assert.Single(attempts, added => added);
        Assert.False(await second.RotateIfDueAsync(default));
        Assert.Equal(2, await CountAsync(database));

        // Published, not yet signing: after their next reload both processes validate the new key, and both
        // still sign with the old one.
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(2, (await second.GetConfigurationAsync(default)).SigningKeys.Count);
        Assert.Equal(original, await SignerAsync(first));
        Assert.Equal(original, await SignerAsync(second));
        var oldToken = await IssueAsync(first);

        // Signing with the new key; the other process validates its tokens and still the old key's.
        clock.Advance(TimeSpan.FromMinutes(10));
        var rotated = await SignerAsync(first);
        Assert.NotEqual(original, rotated);
        Assert.Equal(rotated, await SignerAsync(second));
        var newToken = await IssueAsync(first);
        Assert.True(await ValidAsync(newToken, second));
        Assert.True(await ValidAsync(oldToken, second));

        // The old key stays while a token it signed can be valid (it last signed 20 minutes after the rotation;
        // it is now 21), then goes.
        clock.Advance(TimeSpan.FromMinutes(settings.AccessTokenMinutes - 2));
        Assert.False(await first.RotateIfDueAsync(default));
        Assert.Equal(2, await CountAsync(database));
        clock.Advance(TimeSpan.FromSeconds(settings.ClockSkewSeconds) + TimeSpan.FromMinutes(2));
        Assert.False(await first.RotateIfDueAsync(default));
        Assert.Equal(1, await CountAsync(database));

        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(rotated, Assert.Single((await second.GetConfigurationAsync(default)).SigningKeys).KeyId);
        Assert.False(await ValidAsync(oldToken, second));
        Assert.True(await ValidAsync(newToken, second));

        async Task<string> IssueAsync(SigningKeys keys) =>
            (await new AccessTokens(keys, settings, clock).IssueAsync(Guid.NewGuid(), Guid.NewGuid(), default)).Token;
    }

    private static async Task<string> SignerAsync(SigningKeys keys) => (await keys.GetSigningCredentialsAsync(default)).Key.KeyId;

    /// <summary>The signature and claims against the keys <paramref name="keys"/> knows (the test's clock is not the token handler's).</summary>
    private static async Task<bool> ValidAsync(string token, SigningKeys keys)
    {
        var configuration = await keys.GetConfigurationAsync(default);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidateAudience = false,
            ValidateLifetime = false,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = [SigningKeys.Algorithm],
        });
        return result.IsValid;
    }

    private static async Task<long> CountAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM identity.signing_keys", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
