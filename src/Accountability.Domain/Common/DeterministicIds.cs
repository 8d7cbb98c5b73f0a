using System.Security.Cryptography;
using System.Text;

namespace Accountability.Domain.Common;

/// <summary>
/// Name-based ids so that facts derived from the log (wins, feed items) get the same id on every
/// replay and rebuild, which makes recording them idempotent.
/// </summary>
public static class DeterministicIds
{
    /// <summary>An RFC 9562 version-8 UUID built from the SHA-256 of the parts.</summary>
    public static Guid From(params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var bytes = Encoding.UTF8.GetBytes(string.Join('\u001f', parts));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        var id = hash[..16];
        id[6] = (byte)((id[6] & 0x0F) | 0x80);
        id[8] = (byte)((id[8] & 0x3F) | 0x80);
        return new Guid(id, bigEndian: true);
    }
}
