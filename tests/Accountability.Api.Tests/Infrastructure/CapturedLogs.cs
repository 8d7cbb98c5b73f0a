using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Accountability.Api.Tests.Infrastructure;

/// <summary>A logger provider that keeps every entry (message, structured values, exception text) for assertions.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> entries = new();

    public IReadOnlyCollection<LogEntry> Entries => entries;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    /// <summary>Everything captured as one text, for "never appears" assertions.</summary>
    public string AllText() => string.Join('\n', entries.Select(e => e.ToString()));

    public sealed record LogEntry(string Category, LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> Values, string? Exception)
    {
        public override string ToString() =>
            $"{Level} {Category}: {Message} | {string.Join("; ", Values.Select(v => $"{v.Key}={v.Value}"))} | {Exception}";
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToList() : [];
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), values, exception?.ToString()));
        }
    }
}
