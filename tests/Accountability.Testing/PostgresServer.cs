using System.Diagnostics;
using Npgsql;

namespace Accountability.Testing;

/// <summary>
/// A PostgreSQL cluster for tests and benchmarks, started from the machine's binaries by
/// <c>infra/postgres.sh</c>, the one place that knows how to run PostgreSQL here.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private PostgresServer(string directory, string connectionString, bool owned)
    {
        Directory = directory;
        ConnectionString = connectionString;
        Owned = owned;
    }

    /// <summary>The cluster's folder (data, log, port), empty for a server this process did not start.</summary>
    public string Directory { get; }

    /// <summary>Connection string to the cluster's default database.</summary>
    public string ConnectionString { get; }

    private bool Owned { get; }

    /// <summary>
    /// The cluster shared by one test run: the one named by <c>ACCOUNTABILITY_TEST_PG</c> (set by
    /// <c>infra/test.sh</c>), or else a throwaway cluster started for this process.
    /// </summary>
    public static async Task<PostgresServer> SharedAsync()
    {
        await SharedGate.WaitAsync().ConfigureAwait(false);
        try
        {
            return shared ??= await StartSharedAsync().ConfigureAwait(false);
        }
        finally
        {
            SharedGate.Release();
        }
    }

    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static PostgresServer? shared;

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var configured = Environment.GetEnvironmentVariable("ACCOUNTABILITY_TEST_PG");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var dir = Environment.GetEnvironmentVariable("ACCOUNTABILITY_TEST_PG_DIR") ?? string.Empty;
            return new PostgresServer(dir, configured, owned: false);
        }

        var server = await StartThrowawayAsync(fast: true).ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    /// <summary>A server this process did not start, reached by <paramref name="connectionString"/>.</summary>
    public static PostgresServer Existing(string connectionString) => new(string.Empty, connectionString, owned: false);

    /// <summary>Starts a cluster of its own in a temporary folder (durable unless <paramref name="fast"/>).</summary>
    public static async Task<PostgresServer> StartThrowawayAsync(bool fast)
    {
        var output = await RunScriptAsync(fast ? ["throwaway", "--fast"] : ["throwaway"]).ConfigureAwait(false);
        var line = output.Trim().Split('\n')[^1];
        var parts = line.Split('\t');
        if (parts.Length != 2)
        {
            throw new InvalidOperationException($"infra/postgres.sh throwaway printed an unexpected line: {line}");
        }

        return new PostgresServer(parts[0], parts[1], owned: true);
    }

    /// <summary>Creates a fresh, empty database on this server and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix.ToLowerInvariant()}_{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 63)];
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Stops the server at once, as a crash or an operator would (immediate shutdown).</summary>
    public Task KillAsync() => RunScriptAsync(["kill", Directory]);

    /// <summary>Starts the server again on the same port and data.</summary>
    public async Task StartAgainAsync()
    {
        var port = (await File.ReadAllTextAsync(Path.Combine(Directory, "port")).ConfigureAwait(false)).Trim();
        await RunScriptAsync(["start", Directory, "--port", port]).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        if (!Owned || !System.IO.Directory.Exists(Directory))
        {
            return;
        }

        // The script stops the server and deletes the folder itself, so that the folder goes even when this
        // process is ended before the script returns (a test host is killed soon after its last test).
        using var process = Process.Start(new ProcessStartInfo(ScriptPath, ["discard", Directory]) { UseShellExecute = false });
        process?.WaitForExit(60_000);
    }

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Accountability.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Accountability.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private static string ScriptPath => Path.Combine(RepositoryRoot, "infra", "postgres.sh");

    private static async Task<string> RunScriptAsync(string[] arguments)
    {
        var info = new ProcessStartInfo(ScriptPath, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start infra/postgres.sh");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"infra/postgres.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}");
        }

        return await stdout.ConfigureAwait(false);
    }
}
