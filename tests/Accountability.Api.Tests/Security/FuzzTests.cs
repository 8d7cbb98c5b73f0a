using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Accountability.Api.Tests.Security;

public sealed class FuzzHost() : ApiHost(new ApiHostOptions { DatabasePrefix = "fuzz" });

/// <summary>
/// At least 10,000 generated bad inputs across every write endpoint the application maps (new endpoints join
/// automatically): no answer is a 5xx, every 4xx is a problem document, and no rejected request changes a row.
/// </summary>
[Trait("Category", "Security")]
public sealed class FuzzTests(FuzzHost host, ITestOutputHelper output) : IClassFixture<FuzzHost>
{
    private const int MinimumCases = 10_000;
    private const int Concurrency = 16;

    /// <summary>
    /// Known-good bodies for endpoints whose inputs must be realistic to reach the handler; others are built from
    /// the body's type. Each is chosen so that it is refused even when valid (an existing e-mail, a wrong password),
    /// so every generated case is a bad input. Features may add theirs here.
    /// </summary>
    private static Dictionary<string, string> Templates(TestMember member) => new(StringComparer.Ordinal)
    {
        ["POST /api/v1/account/register"] = $$"""{"email":"{{member.Email}}","password":"correct-horse-battery","displayName":"Fuzzy","timeZone":"Europe/Paris"}""",
        ["POST /api/v1/account/login"] = """{"email":"nobody-fuzz@example.com","password":"not-the-password"}""",
        ["POST /api/v1/account/refresh"] = """{"refreshToken":"not-a-real-refresh-token"}""",
        ["PUT /api/v1/account/profile"] = """{"displayName":"Fuzzy","timeZone":"Europe/Paris"}""",
        ["POST /api/v1/account/password"] = """{"currentPassword":"not-the-current-password","newPassword":"another-long-passphrase"}""",
    };

    [Fact]
    public async Task Generated_bad_inputs_never_fail_the_server_and_rejected_ones_change_nothing()
    {
        var member = await host.RegisterAsync();
        var templates = Templates(member);
        var targets = EndpointCatalog.All(host.Services)
            .Where(e => e.IsWrite && (e.BodyType is not null || e.Endpoint.RoutePattern.Parameters.Count > 0))
            .ToList();
        Assert.NotEmpty(targets);

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency };
        using var client = new HttpClient(handler) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var random = new Random(20_240_601);
        var perEndpoint = (MinimumCases + targets.Count - 1) / targets.Count;
        var failures = new ConcurrentQueue<string>();
        var total = 0;

        foreach (var endpoint in targets)
        {
            var cases = FuzzCases.Generate(endpoint, templates.GetValueOrDefault(endpoint.ToString()), perEndpoint, random);
            var token = endpoint.AllowsAnonymous ? null : member.AccessToken;
            var before = await DatabaseSnapshot.TakeAsync(host.ConnectionString);
            var results = await RunAsync(client, cases, token, failures);
            total += results.Count;

            var accepted = results.Where(r => r.Status is >= 200 and < 300).ToList();
            var rejected = results.Where(r => r.Status >= 400).Select(r => r.Case).ToList();
            if (accepted.Count > 0)
            {
                // Some odd-but-valid inputs were accepted (and may have written): check the rejected ones on their own.
                output.WriteLine($"{endpoint}: {accepted.Count} accepted, e.g. {accepted[0].Case}");
                before = await DatabaseSnapshot.TakeAsync(host.ConnectionString);
                var again = await RunAsync(client, rejected, token, failures);
                Assert.DoesNotContain(again, r => r.Status is >= 200 and < 300);
            }

            var after = await DatabaseSnapshot.TakeAsync(host.ConnectionString);
            var changes = after.DifferencesFrom(before);
            if (changes.Count > 0)
            {
                failures.Enqueue($"{endpoint}: rejected requests changed the database: {string.Join("; ", changes)}");
            }

            output.WriteLine($"{endpoint}: {results.Count} cases, statuses {string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}x{g.Count()}"))}");
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} failures, first ones:\n" + string.Join("\n", failures.Take(20)));
        Assert.True(total >= MinimumCases, $"Only {total} cases ran.");

        // The member's session survived the storm: nothing was corrupted on the way.
        using var profile = await host.ClientFor(member).GetAsync("api/v1/account/profile");
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
    }

    private static async Task<List<(FuzzCase Case, int Status)>> RunAsync(
        HttpClient client, IReadOnlyList<FuzzCase> cases, string? token, ConcurrentQueue<string> failures)
    {
        var results = new ConcurrentBag<(FuzzCase, int)>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (fuzz, cancellationToken) =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(fuzz.Method), fuzz.Url.TrimStart('/'));
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (fuzz.IdempotencyKey is not null)
            {
                request.Headers.TryAddWithoutValidation(IdempotencyFilter.HeaderName, fuzz.IdempotencyKey);
            }

            if (fuzz.Body is not null)
            {
                request.Content = new ByteArrayContent(fuzz.Body);
                if (!string.IsNullOrEmpty(fuzz.ContentType))
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType);
                }
            }

            HttpResponseMessage sent;
            try
            {
                sent = await client.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                failures.Enqueue($"no response ({exception.InnerException?.Message ?? exception.Message}) for {fuzz}");
                return;
            }

            using var response = sent;
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            results.Add((fuzz, status));
            if (status >= 500)
            {
                failures.Enqueue($"{status} for {fuzz}: {body}");
            }
            else if (status >= 400 && !IsProblem(response, body, status))
            {
                failures.Enqueue($"{status} without a problem document for {fuzz}: {response.Content.Headers.ContentType} {body}");
            }
        });
        return [.. results];
    }

    private static bool IsProblem(HttpResponseMessage response, string body, int status)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.GetProperty("status").GetInt32() == status
                && document.RootElement.GetProperty("type").GetString()!.StartsWith("urn:accountability:problem:", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }
}
