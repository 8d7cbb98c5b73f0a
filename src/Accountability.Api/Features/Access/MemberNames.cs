using Accountability.Api.Identity.Authentication;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Access;

/// <summary>
/// Display names for read models and responses. Their one source is the Identity accounts table
/// (<c>identity.accounts.display_name</c>): a member renames themselves through their profile, which is not an
/// event, so no projection could keep a copy current. Names read here are kept in <see cref="KnownSessions"/>,
/// which drops an account's name the moment any process changes the account. Unknown ids (a deleted account) are
/// left out.
/// </summary>
internal sealed class MemberNames(NpgsqlDataSource dataSource, KnownSessions known)
{
    public async Task<IReadOnlyDictionary<Guid, string>> DisplayNamesAsync(IReadOnlyCollection<Guid> memberIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(memberIds);
        var names = new Dictionary<Guid, string>();
        var missing = new List<Guid>();
        foreach (var memberId in memberIds.Distinct())
        {
            if (known.FindName(memberId) is { } name)
            {
                names[memberId] = name;
            }
            else
            {
                missing.Add(memberId);
            }
        }

        if (missing.Count == 0)
        {
            return names;
        }

        var seen = known.Generation;
        var read = new Dictionary<Guid, string>();
        await using (var command = dataSource.CreateCommand("SELECT id, display_name FROM identity.accounts WHERE id = ANY($1)")
            .With(missing.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                read[reader.GetGuid(0)] = reader.GetString(1);
            }
        }

        known.KeepNames(seen, read);
        foreach (var (memberId, name) in read)
        {
            names[memberId] = name;
        }

        return names;
    }

    public async Task<string?> DisplayNameAsync(Guid memberId, CancellationToken ct) =>
        (await DisplayNamesAsync([memberId], ct)).GetValueOrDefault(memberId);
}
