using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Accountability.Api.Infrastructure.Http.Logging;

/// <summary>
/// Wraps the logger factory so that every logger, the framework's included, passes its lines through
/// <see cref="SecretScrubber"/> before any provider sees them. Filtering the request log to Warning is not
/// enough on its own: a verbose log level set in production would bring the hub URLs (with tokens) back.
/// </summary>
internal sealed class ScrubbingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public static void Register(IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(provider => new ScrubbingLoggerFactory(new LoggerFactory(
            provider.GetServices<ILoggerProvider>(),
            provider.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            provider.GetService<IOptions<LoggerFactoryOptions>>(),
            provider.GetService<IExternalScopeProvider>()))));
    }

    // One logger per category, as the inner factory keeps (its loggers follow provider changes in place): the
    // framework asks again for every connection, and an idle connection should not hold a logger of its own.
    private readonly ConcurrentDictionary<string, ScrubbingLogger> loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) =>
        loggers.GetOrAdd(categoryName, static (name, factory) => new ScrubbingLogger(factory.CreateLogger(name)), inner);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class ScrubbingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            var exceptionText = exception?.ToString();
            if (!SecretScrubber.MayContainSecret(message) && !SecretScrubber.MayContainSecret(exceptionText) && !StateMayContainSecret(state))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }

            var scrubbed = new ScrubbedState(SecretScrubber.Scrub(message), ScrubValues(state));
            var scrubbedException = exception is not null && SecretScrubber.MayContainSecret(exceptionText)
                ? new RedactedException(SecretScrubber.Scrub(exceptionText!))
                : exception;
            inner.Log(logLevel, eventId, scrubbed, scrubbedException, static (s, _) => s.Message);
        }

        private static bool StateMayContainSecret<TState>(TState state)
        {
            if (state is not IEnumerable<KeyValuePair<string, object?>> values)
            {
                return false;
            }

            foreach (var (_, value) in values)
            {
                if (value is not null and not ValueType && SecretScrubber.MayContainSecret(value.ToString()))
                {
                    return true;
                }
            }

            return false;
        }

        private static List<KeyValuePair<string, object?>> ScrubValues<TState>(TState state)
        {
            var result = new List<KeyValuePair<string, object?>>();
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    result.Add(new(key, value is null or ValueType ? value : SecretScrubber.Scrub(value.ToString() ?? string.Empty)));
                }
            }

            return result;
        }
    }

    /// <summary>Structured state with the secrets taken out; providers that enumerate values see only scrubbed ones.</summary>
    private sealed class ScrubbedState(string message, List<KeyValuePair<string, object?>> values)
        : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message { get; } = message;

        public int Count => values.Count;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }

    /// <summary>Stands in for an exception whose text held a secret (for example a request line with a token).</summary>
    private sealed class RedactedException(string text) : Exception("An exception whose text contained a secret.")
    {
        public override string ToString() => text;
    }
}
