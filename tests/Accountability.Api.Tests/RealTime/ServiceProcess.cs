using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Accountability.Api.Tests.RealTime;

/// <summary>
/// A second, separate service process: <c>dotnet Accountability.Api.dll --urls http://127.0.0.1:0</c> on a given
/// database, as a load balancer's second node would run. Its port is read from its "Now listening on" line.
/// Disposing stops it (killing it if it does not stop in time).
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ServiceProcess(Process process) => this.process = process;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static async Task<ServiceProcess> StartAsync(string connectionString)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Accountability.Api.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { dll, "--urls", "http://127.0.0.1:0", "--environment", "Testing" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ConnectionStrings__Accountability"] = connectionString;
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var limit in new[] { "WritesPerMember", "WritesPerAddress", "AuthPerAddress", "FailedLoginsPerAccount", "NudgesPerMember" })
        {
            start.Environment[$"RateLimiting__{limit}__Permits"] = "1000000";
        }

        var service = new ServiceProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (service.output)
            {
                service.output.AppendLine(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value + "/"));
            }
        }

        service.process.OutputDataReceived += (_, e) => OnLine(e.Data);
        service.process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        service.process.BeginOutputReadLine();
        service.process.BeginErrorReadLine();
        try
        {
            service.BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            await service.DisposeAsync();
            throw new InvalidOperationException("The service process did not start listening:\n" + service.Output);
        }

        return service;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
