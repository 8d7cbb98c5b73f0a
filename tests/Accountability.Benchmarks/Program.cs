using Accountability.Benchmarks;

return await BenchmarkRunner.RunAsync(args);
