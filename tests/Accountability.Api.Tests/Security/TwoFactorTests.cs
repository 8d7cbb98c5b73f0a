using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Accountability.Api.Identity.AccountEndpoints;
using Accountability.Api.Identity.Accounts;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Accountability.Api.Tests.Security;

/// <summary>
/// Two-step sign-in with an authenticator app (RFC 6238 codes computed here, independently of the service) and
/// one-time recovery codes: set-up, sign-in, replay, lockout, turning it off, renewing codes, bad input, and the
/// key stored encrypted yet readable by another process.
/// </summary>
[Trait("Category", "Security")]
public sealed class TwoFactorTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    [Fact]
    public void The_test_authenticator_matches_the_rfc_6238_sha1_vectors()
    {
        var key = Encoding.ASCII.GetBytes("12345678901234567890");
        Assert.Equal("94287082", Totp.Code(key, 59 / 30, digits: 8));
        Assert.Equal("07081804", Totp.Code(key, 1111111109 / 30, digits: 8));
        Assert.Equal("14050471", Totp.Code(key, 1111111111 / 30, digits: 8));
        Assert.Equal("89005924", Totp.Code(key, 1234567890 / 30, digits: 8));
        Assert.Equal("69279037", Totp.Code(key, 2000000000 / 30, digits: 8));
        Assert.Equal("65353130", Totp.Code(key, 20000000000 / 30, digits: 8));
        Assert.Equal(key, Totp.Base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
        Assert.Equal(key, Totp.Base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"));
        Assert.Equal("287082", Totp.Code(key, 59 / 30));
    }

    [Fact]
    public async Task With_an_authenticator_set_up_signing_in_needs_a_fresh_code_or_an_unused_recovery_code()
    {
        var member = await host.RegisterAsync();
        var client = host.ClientFor(member);
        Assert.Equal(new TwoFactorStatusResponse(false, 0), await client.GetFromJsonAsync<TwoFactorStatusResponse>("api/v1/account/two-factor"));

        var (key, recoveryCodes, used) = await TurnOnAsync(client, member);
        Assert.Equal(10, recoveryCodes.Count);
        Assert.Equal(10, recoveryCodes.Distinct().Count());
        Assert.Equal(new TwoFactorStatusResponse(true, 10), await client.GetFromJsonAsync<TwoFactorStatusResponse>("api/v1/account/two-factor"));
        Assert.True((await client.GetFromJsonAsync<ProfileResponse>("api/v1/account/profile"))!.TwoFactorEnabled);

        // The password alone is not enough.
        using (var passwordOnly = await LoginAsync(member, null, null))
        {
            await ProblemAssert.IsProblemAsync(passwordOnly, HttpStatusCode.Unauthorized, ProblemTypes.TwoFactorRequired);
        }

        // The code that turned it on was used: it is refused, though still inside its validity.
        using (var replayed = await LoginAsync(member, used, null))
        {
            await ProblemAssert.IsProblemAsync(replayed, HttpStatusCode.Unauthorized, ProblemTypes.InvalidTwoFactorCode);
        }

        // A code the app shows next (still inside the accepted window) signs in, once.
        var next = Totp.Code(key, DateTimeOffset.UtcNow + Step);
        using (var signedIn = await LoginAsync(member, next[..3] + " " + next[3..], null))
        {
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
            var tokens = (await signedIn.Content.ReadFromJsonAsync<TokenResponse>())!;
            Assert.Equal(member.Id, tokens.MemberId);
        }

        using (var again = await LoginAsync(member, next, null))
        {
            await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Unauthorized, ProblemTypes.InvalidTwoFactorCode);
        }

        // A code far from now is refused, and so is a wrong password with a right code.
        using (var stale = await LoginAsync(member, Totp.Code(key, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(10)), null))
        {
            await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.Unauthorized, ProblemTypes.InvalidTwoFactorCode);
        }

        using (var wrongPassword = await host.Client.PostAsJsonAsync("api/v1/account/login",
                   new { email = member.Email, password = "not-the-password-1", twoFactorCode = Totp.Code(key, DateTimeOffset.UtcNow - Step) }))
        {
            await ProblemAssert.IsProblemAsync(wrongPassword, HttpStatusCode.Unauthorized, ProblemTypes.InvalidCredentials);
        }

        // A recovery code signs in once, however it is typed.
        using (var recovered = await LoginAsync(member, null, recoveryCodes[0]))
        {
            Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        }

        using (var reused = await LoginAsync(member, null, recoveryCodes[0]))
        {
            await ProblemAssert.IsProblemAsync(reused, HttpStatusCode.Unauthorized, ProblemTypes.InvalidTwoFactorCode);
        }

        using (var typed = await LoginAsync(member, null, " " + recoveryCodes[1].Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant()))
        {
            Assert.Equal(HttpStatusCode.OK, typed.StatusCode);
        }

        Assert.Equal(new TwoFactorStatusResponse(true, 8), await client.GetFromJsonAsync<TwoFactorStatusResponse>("api/v1/account/two-factor"));
    }

    [Fact]
    public async Task Turning_it_on_needs_the_password_and_a_code_from_the_new_key_and_ends_the_other_sessions()
    {
        var member = await host.RegisterAsync();
        var phone = await host.LoginAsync(member.Email);
        var client = host.ClientFor(member);

        using (var early = await client.PostAsJsonAsync("api/v1/account/two-factor/enable", new { password = member.Password, code = "123456" }))
        {
            await ProblemAssert.IsProblemAsync(early, HttpStatusCode.Conflict, ProblemTypes.Conflict);
        }

        var setup = await SetUpAsync(client);
        Assert.Equal(6, setup.Digits);
        Assert.Equal(30, setup.PeriodSeconds);
        var key = setup.SharedKey.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        Assert.StartsWith("otpauth://totp/Accountability:", setup.AuthenticatorUri, StringComparison.Ordinal);
        Assert.Contains("issuer=Accountability&", setup.AuthenticatorUri, StringComparison.Ordinal);
        Assert.Contains($"secret={key}", setup.AuthenticatorUri, StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString(member.Email), setup.AuthenticatorUri, StringComparison.Ordinal);

        using (var wrongPassword = await client.PostAsJsonAsync("api/v1/account/two-factor/enable",
                   new { password = "not-the-password-1", code = Totp.Code(key, DateTimeOffset.UtcNow) }))
        {
            await ProblemAssert.IsValidationProblemAsync(wrongPassword, "password");
        }

        var wrong = Totp.Code(key, DateTimeOffset.UtcNow + TimeSpan.FromMinutes(30));
        using (var wrongCode = await client.PostAsJsonAsync("api/v1/account/two-factor/enable", new { password = member.Password, code = wrong }))
        {
            await ProblemAssert.IsValidationProblemAsync(wrongCode, "code");
        }

        Assert.False((await client.GetFromJsonAsync<TwoFactorStatusResponse>("api/v1/account/two-factor"))!.Enabled);
        using (var stillOpen = await host.CreateClient(phone.AccessToken).GetAsync("api/v1/account/profile"))
        {
            Assert.Equal(HttpStatusCode.OK, stillOpen.StatusCode);
        }

        using (var enabled = await client.PostAsJsonAsync("api/v1/account/two-factor/enable", new { password = member.Password, code = Totp.Code(key, DateTimeOffset.UtcNow) }))
        {
            Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        }

        // The other device signed in with the password alone: its session is over, tokens and refresh alike.
        using (var phoneProfile = await host.CreateClient(phone.AccessToken).GetAsync("api/v1/account/profile"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, phoneProfile.StatusCode);
        }

        using (var phoneRefresh = await host.Client.PostAsJsonAsync("api/v1/account/refresh", new { refreshToken = phone.RefreshToken }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, phoneRefresh.StatusCode);
        }

        Assert.True((await client.GetFromJsonAsync<TwoFactorStatusResponse>("api/v1/account/two-factor"))!.Enabled);

        // While it is on, a new key cannot replace the confirmed one.
        using (var replace = await client.PostAsJsonAsync("api/v1/account/two-factor/authenticator", new { }))
        {
            await ProblemAssert.IsProblemAsync(replace, HttpStatusCode.Conflict, ProblemTypes.Conflict);
        }

        using (var twice = await client.PostAsJsonAsync("api/v1/account/two-factor/enable", new { password = member.Password, code = Totp.Code(key, DateTimeOffset.UtcNow + Step) }))
        {
            await ProblemAssert.IsProblemAsync(twice, HttpStatusCode.Conflict, ProblemTypes.Conflict);
        }
    }

    [Fact]
    public async Task Turning_it_off_needs_the_password_and_a_second_factor_and_then_the_password_alone_signs_in()
    {
        var member = await host.RegisterAsync();
        var client = host.ClientFor(member);
        using (var notOn = await client.PostAsJsonAsync("api/v1/account/two-factor/disable", new { password = member.Password, code = "123456" }))
        {
            await ProblemAssert.IsProblemAsync(notOn, HttpStatusCode.Conflict, ProblemTypes.Conflict);
        }

        var (key, recoveryCodes, _) = await TurnOnAsync(client, member);

        using (var noFactor = await client.PostAsJsonAsync("api/v1/account/two-factor/disable", new { password = member.Password }))
        {
            await ProblemAssert.IsValidationProblemAsync(noFactor, "code");
        }

        using (var wrongRecovery = await client.PostAsJsonAsync("api/v1/account/two-factor/disable", new { password = member.Password, recoveryCode = "AAAAA-BBBBB" }))
        {
            await ProblemAssert.IsValidationProblemAsync(wrongRecovery, "recoveryCode");
        }

        using (var wrongPassword = await client.PostAsJsonAsync("api/v1/account/two-factor/disable", new { password = "not-the-password-1", recoveryCode = recoveryCodes[0] }))
        {
            await ProblemAssert.IsValidationProblemAsync(wrongPassword, "password");
        }

        Assert.True((await client.GetFromJsonAsync<TwoFactorStatusResponse>("api/v1/account/two-factor"))!.Enabled);
        using (var off = await client.PostAsJsonAsync("api/v1/account/two-factor/disable", new { password = member.Password, code = Totp.Code(key, DateTimeOffset.UtcNow + Step) }))
        {
            Assert.Equal(HttpStatusCode.NoContent, off.StatusCode);
        }

        Assert.Equal(new TwoFactorStatusResponse(false, 0), await client.GetFromJsonAsync<TwoFactorStatusResponse>("api/v1/account/two-factor"));
        using (var passwordOnly = await LoginAsync(member, null, null))
        {
            Assert.Equal(HttpStatusCode.OK, passwordOnly.StatusCode);
        }

        // The old key is gone: confirming it again does not turn the feature back on without a new set-up.
        var newSetup = await SetUpAsync(client);
        Assert.NotEqual(key, newSetup.SharedKey.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant());
        using (var oldKey = await client.PostAsJsonAsync("api/v1/account/two-factor/enable", new { password = member.Password, code = Totp.Code(key, DateTimeOffset.UtcNow - Step) }))
        {
            await ProblemAssert.IsValidationProblemAsync(oldKey, "code");
        }
    }

    [Fact]
    public async Task Renewed_recovery_codes_replace_the_old_ones()
    {
        var member = await host.RegisterAsync();
        var client = host.ClientFor(member);
        using (var notOn = await client.PostAsJsonAsync("api/v1/account/two-factor/recovery-codes", new { password = member.Password, code = "123456" }))
        {
            await ProblemAssert.IsProblemAsync(notOn, HttpStatusCode.Conflict, ProblemTypes.Conflict);
        }

        var (key, oldCodes, _) = await TurnOnAsync(client, member);
        using var renewed = await client.PostAsJsonAsync("api/v1/account/two-factor/recovery-codes", new { password = member.Password, code = Totp.Code(key, DateTimeOffset.UtcNow + Step) });
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        var newCodes = (await renewed.Content.ReadFromJsonAsync<RecoveryCodesResponse>())!.RecoveryCodes;
        Assert.Equal(10, newCodes.Count);
        Assert.Empty(newCodes.Intersect(oldCodes));

        using (var old = await LoginAsync(member, null, oldCodes[0]))
        {
            await ProblemAssert.IsProblemAsync(old, HttpStatusCode.Unauthorized, ProblemTypes.InvalidTwoFactorCode);
        }

        using (var fresh = await LoginAsync(member, null, newCodes[0]))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }
    }

    [Fact]
    public async Task Guessing_codes_locks_the_account_like_guessing_passwords()
    {
        var member = await host.RegisterAsync();
        var (key, _, _) = await TurnOnAsync(host.ClientFor(member), member);
        var right = Totp.Code(key, DateTimeOffset.UtcNow + Step);

        // Guesses that are none of the codes valid around now (the service accepts two steps either side).
        var valid = Enumerable.Range(-4, 9).Select(i => Totp.Code(key, DateTimeOffset.UtcNow + (i * Step))).ToHashSet();
        var guesses = Enumerable.Range(0, 100).Select(i => (100000 + (i * 7919)).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Where(g => !valid.Contains(g))
            .Take(10);
        foreach (var guess in guesses)
        {
            using var wrong = await LoginAsync(member, guess, null);
            await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Unauthorized, ProblemTypes.InvalidTwoFactorCode);
        }

        // Ten failures (the configured lockout): now even the right password and code are refused, indistinctly.
        using var locked = await LoginAsync(member, right, null);
        await ProblemAssert.IsProblemAsync(locked, HttpStatusCode.Unauthorized, ProblemTypes.InvalidCredentials);
    }

    [Fact]
    public async Task Turning_it_on_is_all_or_nothing_when_a_write_fails_half_way()
    {
        var member = await host.RegisterAsync();
        var phone = await host.LoginAsync(member.Email);
        var client = host.ClientFor(member);
        var setup = await SetUpAsync(client);
        var key = setup.SharedKey.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

        // The recovery codes, written after the switch itself, fail to store for this member.
        var name = $"fail_codes_{member.Id:N}";
        await ExecuteAsync($"""
            CREATE FUNCTION identity.{name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.user_id = '{member.Id}' AND NEW.name = 'RecoveryCodes' THEN RAISE EXCEPTION 'recovery codes cannot be stored'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON identity.account_tokens FOR EACH ROW EXECUTE FUNCTION identity.{name}();
            """);
        try
        {
            using var failed = await client.PostAsJsonAsync("api/v1/account/two-factor/enable", new { password = member.Password, code = Totp.Code(key, DateTimeOffset.UtcNow) });
            await ProblemAssert.IsProblemAsync(failed, HttpStatusCode.InternalServerError, ProblemTypes.Internal);
        }
        finally
        {
            await ExecuteAsync($"DROP TRIGGER {name} ON identity.account_tokens; DROP FUNCTION identity.{name}();");
        }

        // Nothing of it stayed: not on, no codes, the other device still signed in, and the password alone signs in.
        Assert.Equal(new TwoFactorStatusResponse(false, 0), await client.GetFromJsonAsync<TwoFactorStatusResponse>("api/v1/account/two-factor"));
        using (var phoneProfile = await host.CreateClient(phone.AccessToken).GetAsync("api/v1/account/profile"))
        {
            Assert.Equal(HttpStatusCode.OK, phoneProfile.StatusCode);
        }

        using (var passwordOnly = await LoginAsync(member, null, null))
        {
            Assert.Equal(HttpStatusCode.OK, passwordOnly.StatusCode);
        }

        // Tried again, it goes through.
        using var enabled = await client.PostAsJsonAsync("api/v1/account/two-factor/enable", new { password = member.Password, code = Totp.Code(key, DateTimeOffset.UtcNow + Step) });
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.Equal(new TwoFactorStatusResponse(true, 10), await client.GetFromJsonAsync<TwoFactorStatusResponse>("api/v1/account/two-factor"));
    }

    public static TheoryData<string, string, string[]> BadBodies => new()
    {
        { "api/v1/account/two-factor/enable", """{}""", ["password", "code"] },
        { "api/v1/account/two-factor/enable", """{"password":"correct-horse-battery","code":"12345"}""", ["code"] },
        { "api/v1/account/two-factor/enable", """{"password":"correct-horse-battery","code":"12345a"}""", ["code"] },
        { "api/v1/account/two-factor/enable", """{"password":"correct-horse-battery","code":"1234567"}""", ["code"] },
        { "api/v1/account/two-factor/disable", """{"password":"correct-horse-battery"}""", ["code"] },
        { "api/v1/account/two-factor/disable", """{"password":"correct-horse-battery","code":"123456","recoveryCode":"ABCDE-12345"}""", ["recoveryCode"] },
        { "api/v1/account/two-factor/disable", """{"password":"correct-horse-battery","recoveryCode":"ABCDE-12345-ABCDE-12345-ABCDE"}""", ["recoveryCode"] },
        { "api/v1/account/two-factor/disable", """{"password":"correct-horse-battery","recoveryCode":"ABCDE\u202E12345"}""", ["recoveryCode"] },
        { "api/v1/account/two-factor/recovery-codes", """{"code":"123456"}""", ["password"] },
        { "api/v1/account/login", """{"email":"a@example.com","password":"correct-horse-battery","twoFactorCode":"12"}""", ["twoFactorCode"] },
        { "api/v1/account/login", """{"email":"a@example.com","password":"correct-horse-battery","twoFactorCode":"123456","recoveryCode":"ABCDE-12345"}""", ["recoveryCode"] },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_badly_shaped_code_is_a_validation_problem_for_that_field(string path, string body, string[] fields)
    {
        var member = await host.RegisterAsync();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await host.ClientFor(member).PostAsync(path, content);
        await ProblemAssert.IsValidationProblemAsync(response, fields);
    }

    [Fact]
    public async Task The_key_and_recovery_codes_are_stored_encrypted_and_another_process_accepts_the_codes()
    {
        var member = await host.RegisterAsync();
        var (key, recoveryCodes, _) = await TurnOnAsync(host.ClientFor(member), member);

        var stored = new List<string>();
        await using (var connection = new NpgsqlConnection(host.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT value FROM identity.account_tokens WHERE user_id = $1", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = member.Id });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }

        Assert.True(stored.Count >= 2, "the key and the recovery codes are stored");
        Assert.All(stored, value =>
        {
            Assert.DoesNotContain(key, value, StringComparison.OrdinalIgnoreCase);
            Assert.All(recoveryCodes, code => Assert.DoesNotContain(code, value, StringComparison.OrdinalIgnoreCase));
        });

        // Decrypted, the recovery codes are still only hashes: the table and the key ring together do not give them away.
        var codes = await ReadRecoveryCodesAsHeldAsync(member.Id);
        Assert.Equal(recoveryCodes.Count, codes.Split(';').Length);
        Assert.All(recoveryCodes, code => Assert.DoesNotContain(code, codes, StringComparison.OrdinalIgnoreCase));

        await using var second = await ApiHost.StartAsync(new ApiHostOptions { ConnectionString = host.ConnectionString });
        using (var withCode = await second.Client.PostAsJsonAsync("api/v1/account/login",
                   new { email = member.Email, password = member.Password, twoFactorCode = Totp.Code(key, DateTimeOffset.UtcNow + Step) }))
        {
            Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
        }

        using (var withRecovery = await second.Client.PostAsJsonAsync("api/v1/account/login",
                   new { email = member.Email, password = member.Password, recoveryCode = recoveryCodes[3] }))
        {
            Assert.Equal(HttpStatusCode.OK, withRecovery.StatusCode);
        }
    }

    /// <summary>The recovery codes as the store holds them once decrypted (what a reader of the table and the key ring sees).</summary>
    private async Task<string> ReadRecoveryCodesAsHeldAsync(Guid memberId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var account = await users.FindByIdAsync(memberId.ToString());
        return await users.GetAuthenticationTokenAsync(account!, "[AspNetUserStore]", "RecoveryCodes") ?? string.Empty;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<AuthenticatorSetupResponse> SetUpAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("api/v1/account/two-factor/authenticator", new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AuthenticatorSetupResponse>())!;
    }

    /// <summary>Sets up an authenticator and confirms it with the current code; returns the key, the recovery codes and that code.</summary>
    private static async Task<(string Key, IReadOnlyList<string> RecoveryCodes, string UsedCode)> TurnOnAsync(HttpClient client, TestMember member)
    {
        var setup = await SetUpAsync(client);
        var key = setup.SharedKey.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        var code = Totp.Code(key, DateTimeOffset.UtcNow);
        using var response = await client.PostAsJsonAsync("api/v1/account/two-factor/enable", new { password = member.Password, code });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var codes = JsonSerializer.Deserialize<RecoveryCodesResponse>(body, JsonSerializerOptions.Web)!.RecoveryCodes;
        return (key, codes, code);
    }

    private Task<HttpResponseMessage> LoginAsync(TestMember member, string? twoFactorCode, string? recoveryCode) =>
        host.Client.PostAsJsonAsync("api/v1/account/login", new { email = member.Email, password = member.Password, twoFactorCode, recoveryCode });
}
