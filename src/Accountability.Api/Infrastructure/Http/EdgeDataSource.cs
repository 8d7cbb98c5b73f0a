using Accountability.Api.Infrastructure.Database;
using Npgsql;

namespace Accountability.Api.Infrastructure.Http;

/// <summary>
/// The connection pool for the service's edge state in PostgreSQL: accounts, tokens, Data Protection keys and
/// idempotency records. Separate from the event store's pool so that a flood of sign-ins cannot starve appends.
/// </summary>
internal sealed class EdgeDataSource : IAsyncDisposable, IDisposable
{
    public EdgeDataSource(IConfiguration configuration)
    {
        DataSource = new NpgsqlDataSourceBuilder(DatabaseSetup.PoolConnectionString(configuration, "accountability-edge", keepConfiguredName: true)).Build();
    }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public void Dispose() => DataSource.Dispose();
}
