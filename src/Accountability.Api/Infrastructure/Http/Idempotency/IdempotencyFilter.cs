using System.Security.Cryptography;
using System.Text;
using Accountability.Api.Infrastructure.Http.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Accountability.Api.Infrastructure.Http.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> for POST commands (see <see cref="IdempotencyConventions.WithIdempotency{TBuilder}"/>):
/// the first request with a key runs and its successful response (status, body, Location) is stored for the
/// caller and key; a retry with the same key and the same request gets that response again without running;
/// the same key with another request is 422; a duplicate arriving while the first still runs waits for it.
/// Failed requests (4xx, 5xx, exceptions) store nothing, so a corrected retry may reuse the key.
/// Requests without the header, or from anonymous callers, run normally.
/// </summary>
internal sealed class IdempotencyFilter(IdempotencyStore store, IdempotencySettings settings, TimeProvider time) : IEndpointFilter
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotent-Replayed";
    private const int MaxKeyLength = 200;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers[HeaderName];
        var scope = http.User.Identity?.IsAuthenticated == true ? http.User.FindFirst("sub")?.Value : null;
        if (header.Count == 0 || scope is null)
        {
            return await next(context);
        }

        var key = header.Count == 1 ? header[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || !key.All(c => c is >= '!' and <= '~'))
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, ProblemTypes.BadRequest, "Invalid Idempotency-Key.",
                $"Send one Idempotency-Key of 1 to {MaxKeyLength} visible ASCII characters (a UUID is ideal).");
        }

        var hash = await HashRequestAsync(http.Request);
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(settings.WaitSeconds);
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            if (await store.TryClaimAsync(scope, key, hash, http.RequestAborted))
            {
                return await RunAndRecordAsync(context, next, scope, key);
            }

            var existing = await store.FindAsync(scope, key, http.RequestAborted);
            if (existing is not null && !CryptographicOperations.FixedTimeEquals(existing.RequestHash, hash))
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused,
                    "Idempotency-Key reused.", "This Idempotency-Key was already used with a different request.");
            }

            if (existing is { Completed: true })
            {
                await ReplayAsync(http, existing);
                return Results.Empty;
            }

            // Claimed by a request still running (or just released): wait for it, then replay or claim.
            if (time.GetUtcNow() >= deadline)
            {
                throw new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.IdempotencyInProgress,
                    "Request in progress.", "A request with this Idempotency-Key is still being processed; retry shortly.")
                {
                    RetryAfter = TimeSpan.FromSeconds(1),
                };
            }

            await Task.Delay(delay, time, http.RequestAborted);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }

    private async Task<object?> RunAndRecordAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, string scope, string key)
    {
        var http = context.HttpContext;
        CapturedResponse captured;
        try
        {
            var result = await next(context);
            captured = await ExecuteCapturedAsync(http, result);
        }
        catch
        {
            await store.ReleaseAsync(scope, key, CancellationToken.None);
            throw;
        }

        if (captured.StatusCode is >= 200 and < 300)
        {
            // Stored even when the client has gone: its retry must see this response, not run again.
            await store.CompleteAsync(scope, key, captured, CancellationToken.None);
        }
        else
        {
            await store.ReleaseAsync(scope, key, CancellationToken.None);
        }

        await http.Response.Body.WriteAsync(captured.Body, http.RequestAborted);
        return Results.Empty;
    }

    /// <summary>Runs the endpoint's result into a buffer, so the response can be stored, then sent.</summary>
    private static async Task<CapturedResponse> ExecuteCapturedAsync(HttpContext http, object? result)
    {
        var original = http.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        var capture = new StreamResponseBodyFeature(buffer);
        http.Features.Set<IHttpResponseBodyFeature>(capture);
        try
        {
            var asResult = result switch
            {
                IResult r => r,
                null => Results.Empty,
                string text => Results.Text(text),
                _ => Results.Json(result),
            };
            await asResult.ExecuteAsync(http);
            await capture.CompleteAsync();
        }
        finally
        {
            http.Features.Set(original);
        }

        return new CapturedResponse(
            http.Response.StatusCode,
            http.Response.ContentType,
            http.Response.Headers.Location.Count > 0 ? http.Response.Headers.Location.ToString() : null,
            buffer.ToArray());
    }

    private static async Task ReplayAsync(HttpContext http, IdempotencyRecord record)
    {
        http.Response.StatusCode = record.StatusCode ?? StatusCodes.Status200OK;
        if (record.ContentType is not null)
        {
            http.Response.ContentType = record.ContentType;
        }

        if (record.Location is not null)
        {
            http.Response.Headers.Location = record.Location;
        }

        http.Response.Headers[ReplayedHeaderName] = "true";
        if (record.Body is { Length: > 0 } body)
        {
            await http.Response.Body.WriteAsync(body, http.RequestAborted);
        }
    }

    /// <summary>The request's identity: method, path and query, and the exact body bytes.</summary>
    private static async Task<byte[]> HashRequestAsync(HttpRequest request)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(request.Method + " " + request.Path + request.QueryString + "\n"));
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
            var chunk = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                hash.AppendData(chunk, 0, read);
            }

            request.Body.Position = 0;
        }

        return hash.GetHashAndReset();
    }
}

/// <summary>Marks an endpoint as accepting <c>Idempotency-Key</c>; the edge buffers such requests' bodies for hashing.</summary>
public sealed class IdempotencyMetadata
{
    public static readonly IdempotencyMetadata Instance = new();

    private IdempotencyMetadata()
    {
    }
}

public static class IdempotencyConventions
{
    /// <summary>
    /// Accept an <c>Idempotency-Key</c> header on this POST command: a retry with the same key and body replays the
    /// first successful response; the same key with another body is 422.
    /// </summary>
    public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(IdempotencyMetadata.Instance);
        builder.AddEndpointFilter<TBuilder, IdempotencyFilter>();
        return builder;
    }
}

/// <summary>Keeps the body of idempotent requests readable twice (binding, then hashing).</summary>
internal sealed class IdempotencyBufferingMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Headers.ContainsKey(IdempotencyFilter.HeaderName)
            && context.GetEndpoint()?.Metadata.GetMetadata<IdempotencyMetadata>() is not null)
        {
            context.Request.EnableBuffering();
        }

        return next(context);
    }
}

/// <summary>Deletes records past their retention, every few minutes, from whichever process gets there.</summary>
internal sealed partial class IdempotencyCleanup(IdempotencyStore store, ILogger<IdempotencyCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(10));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var deleted = await store.DeleteExpiredAsync(stoppingToken);
                LogDeleted(logger, deleted);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deleted {Count} expired idempotency records")]
    private static partial void LogDeleted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idempotency cleanup failed; it will run again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
