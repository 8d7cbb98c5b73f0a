using System.Diagnostics;
using System.Text.Json;

namespace Accountability.Api.Tests.RealTime;

/// <summary>One message a Node client received: its type, sequence and payload.</summary>
public sealed record ReceivedMessage(string Type, long Sequence, JsonElement Data);

/// <summary>
/// A real feed client: <c>node tests/feed-client/listen.mjs</c> with the npm <c>@microsoft/signalr</c> client, driven
/// over stdin and read from the JSON lines it prints. Time-bounded: the script exits by itself after <c>maxMs</c>,
/// and disposing closes it (killing it if it does not exit in time).
/// </summary>
public sealed class FeedClient : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<JsonElement> lines = [];
    private readonly System.Text.StringBuilder errors = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FeedClient(Process process) => this.process = process;

    /// <summary>The feed-client folder of the checkout (tests/feed-client), with its npm packages installed.</summary>
    public static string ScriptFolder { get; } = FindScriptFolder();

    /// <summary>Every line printed so far.</summary>
    public IReadOnlyList<JsonElement> Lines
    {
        get
        {
            lock (lines)
            {
                return lines.ToList();
            }
        }
    }

    public IReadOnlyList<ReceivedMessage> Messages =>
        Lines.Where(l => Event(l) == "message")
            .Select(l => new ReceivedMessage(l.GetProperty("type").GetString()!, l.GetProperty("sequence").GetInt64(), l.GetProperty("data")))
            .ToList();

    public string Errors
    {
        get
        {
            lock (errors)
            {
                return errors.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a client of <paramref name="hubUrls"/> (reconnects go round them) as <paramref name="accessToken"/>.
    /// With <paramref name="resumeFrom"/> it calls <c>Resume</c> after connecting, and this waits for the answer;
    /// otherwise it waits for the connection (or the failure to connect).
    /// </summary>
    public static async Task<FeedClient> StartAsync(IReadOnlyList<Uri> hubUrls, string accessToken, long? resumeFrom, int maxMs = 25_000)
    {
        var options = JsonSerializer.Serialize(new
        {
            urls = hubUrls.Select(u => u.ToString()).ToArray(),
            token = accessToken,
            resume = resumeFrom,
            maxMs,
        });
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = ScriptFolder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("listen.mjs");
        start.ArgumentList.Add(options);
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var client = new FeedClient(process);
        process.OutputDataReceived += (_, e) => client.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (client.errors)
            {
                client.errors.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var ready = resumeFrom is null ? "connected" : "resumed";
        await client.WaitForAsync(l => Event(l) is "error" || Event(l) == ready, TimeSpan.FromSeconds(20));
        return client;
    }

    public static Task<FeedClient> StartAsync(Uri hubUrl, string accessToken, long? resumeFrom, int maxMs = 25_000) =>
        StartAsync([hubUrl], accessToken, resumeFrom, maxMs);

    public static string? Event(JsonElement line) => line.TryGetProperty("event", out var e) ? e.GetString() : null;

    /// <summary>Waits for a printed line matching <paramref name="predicate"/> (lines already printed count).</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> predicate, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var seen = 0;
        while (true)
        {
            Task next;
            List<JsonElement> snapshot;
            lock (lines)
            {
                next = changed.Task;
                snapshot = lines.Skip(seen).ToList();
            }

            foreach (var line in snapshot)
            {
                if (predicate(line))
                {
                    return line;
                }
            }

            seen += snapshot.Count;
            if (process.HasExited && snapshot.Count == 0)
            {
                throw new InvalidOperationException($"The feed client exited before the awaited line. Lines:\n{Dump()}\nstderr:\n{Errors}");
            }

            try
            {
                await next.WaitAsync(TimeSpan.FromMilliseconds(250), deadline.Token);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No awaited line within {timeout}. Lines:\n{Dump()}\nstderr:\n{Errors}");
            }
        }
    }

    /// <summary>Waits for a message of <paramref name="type"/> whose data matches <paramref name="predicate"/>.</summary>
    public async Task<ReceivedMessage> WaitForMessageAsync(string type, Func<JsonElement, bool>? predicate = null, TimeSpan? timeout = null)
    {
        var line = await WaitForAsync(
            l => Event(l) == "message" && l.GetProperty("type").GetString() == type && (predicate?.Invoke(l.GetProperty("data")) ?? true),
            timeout ?? TimeSpan.FromSeconds(10));
        return new ReceivedMessage(type, line.GetProperty("sequence").GetInt64(), line.GetProperty("data"));
    }

    public async Task SendAsync(object command)
    {
        await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await process.StandardInput.FlushAsync();
    }

    /// <summary>Invokes a hub method through the client and returns its "result" or "invokeError" line.</summary>
    public async Task<JsonElement> InvokeAsync(string method, params object[] args)
    {
        var before = Lines.Count;
        await SendAsync(new { cmd = "invoke", method, args });
        var index = 0;
        return await WaitForAsync(
            l => index++ >= before && Event(l) is "result" or "invokeError" && l.GetProperty("method").GetString() == method,
            TimeSpan.FromSeconds(10));
    }

    public string Dump() => string.Join('\n', Lines.Select(l => l.GetRawText()));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                await SendAsync(new { cmd = "exit" });
                process.StandardInput.Close();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await process.WaitForExitAsync(wait.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or InvalidOperationException)
        {
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }

    private void OnLine(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !text.StartsWith('{'))
        {
            return;
        }

        using var document = JsonDocument.Parse(text);
        lock (lines)
        {
            lines.Add(document.RootElement.Clone());
            var previous = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            previous.TrySetResult();
        }
    }

    private static string FindScriptFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var folder = Path.Combine(dir.FullName, "tests", "feed-client");
            if (File.Exists(Path.Combine(folder, "listen.mjs")))
            {
                return Directory.Exists(Path.Combine(folder, "node_modules", "@microsoft", "signalr"))
                    ? folder
                    : throw new InvalidOperationException($"The npm SignalR client is not installed: run `npm ci` in {folder} (infra/test.sh does).");
            }
        }

        throw new InvalidOperationException("tests/feed-client not found above " + AppContext.BaseDirectory);
    }
}
