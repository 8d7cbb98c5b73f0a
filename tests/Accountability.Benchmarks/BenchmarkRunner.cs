using System.Text.Json;
using Accountability.Benchmarks.EventStore;

namespace Accountability.Benchmarks;

/// <summary>Dispatches <c>dotnet run -c Release --project tests/Accountability.Benchmarks -- &lt;scenario&gt;</c>.</summary>
internal static class BenchmarkRunner
{
    private static readonly Dictionary<string, Func<string[], Task<object>>> Scenarios = new(StringComparer.OrdinalIgnoreCase)
    {
        ["append"] = AppendBenchmark.RunAsync,
        ["rebuild"] = RebuildBenchmark.RunAsync,
        ["gap-safety"] = GapSafetyBenchmark.RunAsync,
        ["fanout"] = RealTime.FanoutBenchmark.RunAsync,
        ["queries"] = Api.QueriesBenchmark.RunAsync,
        ["checkin-http"] = Api.CheckInHttpBenchmark.RunAsync,
    };

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void Register(string name, Func<string[], Task<object>> scenario) => Scenarios[name] = scenario;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || !Scenarios.TryGetValue(args[0], out var scenario))
        {
            await Console.Error.WriteLineAsync($"usage: <scenario> [options]; scenarios: {string.Join(", ", Scenarios.Keys.Order())}");
            return 2;
        }

        Console.WriteLine($"scenario {args[0]} on {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        var result = await scenario(args[1..]);

        // The last line is one JSON object: what scripts read.
        Console.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
        return 0;
    }
}
