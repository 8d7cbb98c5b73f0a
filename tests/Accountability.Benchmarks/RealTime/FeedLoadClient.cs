using System.Diagnostics;
using System.Text.Json;
using Accountability.Testing;

namespace Accountability.Benchmarks.RealTime;

/// <summary>
/// <c>node tests/feed-client/load.mjs</c>: many feed connections in one Node process with the npm SignalR client,
/// reporting delivery latency. Talks JSON lines over stdin and stdout.
/// </summary>
internal sealed class FeedLoadClient : IAsyncDisposable
{
    private readonly Process process;
    private readonly string configFile;
    private readonly Queue<JsonElement> lines = new();
    private readonly SemaphoreSlim arrived = new(0);

    private FeedLoadClient(Process process, string configFile)
    {
        this.process = process;
        this.configFile = configFile;
    }

    public static async Task<FeedLoadClient> StartAsync(Uri hubUrl, IReadOnlyList<string> tokens, long? resume)
    {
        var folder = Path.Combine(PostgresServer.RepositoryRoot, "tests", "feed-client");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "@microsoft", "signalr")))
        {
            throw new InvalidOperationException($"Run `npm ci` in {folder} first (infra/test.sh does).");
        }

        var configFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(new { url = hubUrl.ToString(), tokens, resume, connectConcurrency = 50 }));
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("load.mjs");
        start.ArgumentList.Add(configFile);
        var client = new FeedLoadClient(Process.Start(start) ?? throw new InvalidOperationException("node did not start"), configFile);
        client.process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } text && text.StartsWith('{'))
            {
                using var document = JsonDocument.Parse(text);
                lock (client.lines)
                {
                    client.lines.Enqueue(document.RootElement.Clone());
                }

                client.arrived.Release();
            }
        };
        client.process.BeginOutputReadLine();
        return client;
    }

    /// <summary>The next line whose "event" is <paramref name="name"/>.</summary>
    public async Task<JsonElement> NextAsync(string name, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            await arrived.WaitAsync(deadline.Token);
            lock (lines)
            {
                var line = lines.Dequeue();
                if (line.TryGetProperty("event", out var e) && e.GetString() == name)
                {
                    return line;
                }
            }
        }
    }

    public async Task<JsonElement> ReportAsync()
    {
        await process.StandardInput.WriteLineAsync("""{"cmd":"report"}""");
        await process.StandardInput.FlushAsync();
        return await NextAsync("report", TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                await process.StandardInput.WriteLineAsync("""{"cmd":"exit"}""");
                await process.StandardInput.FlushAsync();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await process.WaitForExitAsync(wait.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
            arrived.Dispose();
            File.Delete(configFile);
        }
    }
}
