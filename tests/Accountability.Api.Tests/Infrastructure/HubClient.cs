using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Accountability.Api.Tests.Infrastructure;

/// <summary>
/// A SignalR client speaking the JSON hub protocol over a raw WebSocket (the .NET SignalR client's transport is
/// not available here). Connects like a browser does: WebSocket only, no negotiation, the access token in the
/// <c>access_token</c> query parameter.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket socket;
    private readonly Channel<JsonElement> messages = Channel.CreateUnbounded<JsonElement>();
    private readonly Dictionary<string, TaskCompletionSource<JsonElement>> pending = [];
    private readonly CancellationTokenSource stop = new();
    private Task? reader;
    private int nextInvocationId;

    private HubClient(ClientWebSocket socket) => this.socket = socket;

    /// <summary>Server-to-client invocations (type 1) as they arrive: <c>target</c> and <c>arguments</c>.</summary>
    public ChannelReader<JsonElement> Messages => messages.Reader;

    /// <summary>Set when the server closed the connection (for example with an error after the token expired).</summary>
    public string? CloseError { get; private set; }

    public bool IsOpen => socket.State == WebSocketState.Open && CloseError is null && reader is { IsCompleted: false };

    /// <summary>
    /// Connects to <paramref name="hubPath"/> (for example <c>/hubs/feed</c>) and completes the handshake.
    /// Returns the HTTP status of a refused upgrade (401 for a bad token) instead of a client.
    /// </summary>
    public static async Task<HubConnectResult> ConnectAsync(Uri baseAddress, string hubPath, string? accessToken, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(baseAddress)
        {
            Scheme = baseAddress.Scheme == "https" ? "wss" : "ws",
            Path = hubPath,
            Query = accessToken is null ? string.Empty : "access_token=" + Uri.EscapeDataString(accessToken),
        }.Uri;
        try
        {
            await socket.ConnectAsync(uri, cancellationToken);
        }
        catch (WebSocketException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return new HubConnectResult(status, null);
        }

        var client = new HubClient(socket);
        await client.SendRawAsync("""{"protocol":"json","version":1}""", cancellationToken);
        var handshake = await client.ReceiveRecordAsync(cancellationToken);
        using (var document = JsonDocument.Parse(handshake ?? "{\"error\":\"closed\"}"))
        {
            if (document.RootElement.TryGetProperty("error", out var error))
            {
                await client.DisposeAsync();
                throw new InvalidOperationException("Hub handshake failed: " + error);
            }
        }

        client.reader = Task.Run(client.ReadLoopAsync, CancellationToken.None);
        return new HubConnectResult(HttpStatusCode.SwitchingProtocols, client);
    }

    /// <summary>Invokes a hub method and returns its result (throws with the hub's error message on failure).</summary>
    public async Task<JsonElement> InvokeAsync(string target, params object?[] arguments)
    {
        var id = Interlocked.Increment(ref nextInvocationId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (pending)
        {
            pending[id] = completion;
        }

        await SendRawAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments }), stop.Token);
        var result = await completion.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (result.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException("Hub method failed: " + error.GetString());
        }

        return result.TryGetProperty("result", out var value) ? value.Clone() : default;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
            }
        }

        if (reader is not null)
        {
            await reader.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        socket.Dispose();
        stop.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await ReceiveRecordAsync(stop.Token) is { } record)
            {
                using var document = JsonDocument.Parse(record);
                var message = document.RootElement.Clone();
                switch (message.GetProperty("type").GetInt32())
                {
                    case 1:
                        await messages.Writer.WriteAsync(message, stop.Token);
                        break;
                    case 3:
                        TaskCompletionSource<JsonElement>? completion;
                        lock (pending)
                        {
                            pending.Remove(message.GetProperty("invocationId").GetString()!, out completion);
                        }

                        completion?.TrySetResult(message);
                        break;
                    case 7:
                        CloseError = message.TryGetProperty("error", out var error) ? error.GetString() ?? "closed" : "closed";
                        return;
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            CloseError ??= "closed";
            messages.Writer.TryComplete();
        }
    }

    private readonly StringBuilder buffered = new();

    private async Task<string?> ReceiveRecordAsync(CancellationToken cancellationToken)
    {
        var chunk = new byte[8192];
        while (true)
        {
            var text = buffered.ToString();
            var end = text.IndexOf(RecordSeparator, StringComparison.Ordinal);
            if (end >= 0)
            {
                buffered.Remove(0, end + 1);
                return text[..end];
            }

            var received = await socket.ReceiveAsync(chunk, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffered.Append(Encoding.UTF8.GetString(chunk, 0, received.Count));
        }
    }

    private Task SendRawAsync(string json, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
}

/// <summary>The outcome of a hub connect: <see cref="Client"/> when connected, else the refusal's HTTP status.</summary>
public sealed record HubConnectResult(HttpStatusCode Status, HubClient? Client);
