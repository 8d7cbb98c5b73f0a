using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Access;

/// <summary>
/// Display names for read models and responses. Their one source is the Identity accounts table
/// (<c>identity.accounts.display_name</c>): a member renames themselves through their profile, which is not an
/// event, so no projection could keep a copy current. Unknown ids (a deleted account) are left out.
/// </summary>
public sealed class MemberNames(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyDictionary<Guid, string>> DisplayNamesAsync(IReadOnlyCollection<Guid> memberIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(memberIds);
        var names = new Dictionary<Guid, string>();
        if (memberIds.Count == 0)
        {
            return names;
        }

        await using var command = dataSource.CreateCommand("SELECT id, display_name FROM identity.accounts WHERE id = ANY($1)")
            .With(memberIds.Distinct().ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            names[reader.GetGuid(0)] = reader.GetString(1);
        }

        return names;
    }

    public async Task<string?> DisplayNameAsync(Guid memberId, CancellationToken ct) =>
        (await DisplayNamesAsync([memberId], ct)).GetValueOrDefault(memberId);
}
