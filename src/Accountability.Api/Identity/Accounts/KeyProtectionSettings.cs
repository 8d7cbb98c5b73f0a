using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace Accountability.Api.Identity.Accounts;

/// <summary>
/// Configuration section <c>DataProtection</c>: how the data-protection key ring is protected at rest in
/// <c>identity.data_protection_keys</c>. Those keys encrypt the token signing key, so anyone who reads the table
/// could sign tokens. With <see cref="CertificatePath"/> set, every key is encrypted with that certificate's public key
/// before it is stored; every process needs the same certificate (with its private key) to read the ring. Without it
/// the keys are stored as they are (development, tests) and the framework warns at start-up.
/// </summary>
public sealed class KeyProtectionSettings
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS#12 (.pfx) file with the certificate and its private key.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Certificates of earlier rotations (same password), still able to read keys they encrypted.</summary>
    public string[] PreviousCertificatePaths { get; set; } = [];

    /// <summary>Applies the settings; a configured certificate that cannot be loaded stops the start with the reason.</summary>
    internal void Apply(IDataProtectionBuilder protection)
    {
        if (string.IsNullOrWhiteSpace(CertificatePath))
        {
            return;
        }

        var current = Load(CertificatePath);
        protection.ProtectKeysWithCertificate(current);
        protection.UnprotectKeysWithAnyCertificate([current, .. PreviousCertificatePaths.Select(Load)]);
    }

    private X509Certificate2 Load(string path)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
            return certificate.HasPrivateKey
                ? certificate
                : throw new InvalidOperationException($"{Section}: the certificate in '{path}' has no private key; the key ring could not be read back.");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{Section}: the certificate '{path}' could not be loaded: {ex.Message}", ex);
        }
    }
}
