namespace Accountability.Benchmarks;

/// <summary>Dispatches <c>dotnet run -c Release --project tests/Accountability.Benchmarks -- &lt;scenario&gt;</c>.</summary>
internal static class BenchmarkRunner
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Scenarios = new(StringComparer.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || !Scenarios.TryGetValue(args[0], out var scenario))
        {
            await Console.Error.WriteLineAsync($"usage: <scenario> [options]; scenarios: {string.Join(", ", Scenarios.Keys.Order())}");
            return 2;
        }

        return await scenario(args[1..]);
    }
}
