using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Accountability.Api.Identity.AccountEndpoints;
using Accountability.Api.Tests.Features.Write;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Testing;
using Npgsql;

namespace Accountability.Api.Tests.Security;

/// <summary>
/// With <c>DataProtection:CertificatePath</c> set, the key ring that protects the token signing key is stored
/// encrypted, and every process holding the certificate reads it.
/// </summary>
[Trait("Category", "Security")]
public sealed class KeyProtectionTests : IDisposable
{
    private const string Password = "ring-protector";
    private readonly string certificatePath = Path.Combine(Path.GetTempPath(), $"accountability-keys-{Guid.NewGuid():N}.pfx");

    public KeyProtectionTests()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=accountability key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllBytes(certificatePath, certificate.Export(X509ContentType.Pfx, Password));
    }

    public void Dispose() => File.Delete(certificatePath);

    [Fact]
    public async Task The_key_ring_is_stored_encrypted_and_another_process_with_the_certificate_reads_it()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("keyring");
        TestMember member;
        await using (var first = await ApiHost.StartAsync(Options(database, certificatePath)))
        {
            member = await first.RegisterAsync();
        }

        await using (var source = NpgsqlDataSource.Create(database))
        await using (var command = source.CreateCommand("SELECT xml FROM identity.data_protection_keys"))
        await using (var rows = await command.ExecuteReaderAsync())
        {
            var keys = 0;
            while (await rows.ReadAsync())
            {
                keys++;
                var xml = rows.GetString(0);
                Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
                Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
            }

            Assert.True(keys > 0, "No data-protection key was stored.");
        }

        // A later process: it must decrypt the ring to read the signing key that validates the member's token.
        await using var second = await ApiHost.StartAsync(Options(database, certificatePath));
        var profile = await second.ClientFor(member).GetFromJsonAsync<ProfileResponse>("api/v1/account/profile");
        Assert.Equal(member.Id, profile!.MemberId);
    }

    [Fact]
    public async Task A_certificate_that_cannot_be_loaded_stops_the_start_and_says_which()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("keyring");
        var missing = certificatePath + ".missing";
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ApiHost.StartAsync(Options(database, missing)));
        Assert.Contains("DataProtection", refused.Message, StringComparison.Ordinal);
        Assert.Contains(missing, refused.Message, StringComparison.Ordinal);
    }

    private static ApiHostOptions Options(string database, string certificate) => new()
    {
        ConnectionString = database,
        Settings = new(StringComparer.OrdinalIgnoreCase)
        {
            ["DataProtection:CertificatePath"] = certificate,
            ["DataProtection:CertificatePassword"] = Password,
        },
    };
}
