using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Accountability.Api.Identity;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Accountability.Api.Tests.Security;

/// <summary>A host with one test command that counts how often it really ran.</summary>
public sealed class IdempotencyHost : ApiHost
{
    public IdempotencyHost()
        : base(new ApiHostOptions { MapEndpoints = Map })
    {
    }

    public static int Executions => executions;

    private static int executions;

    private static void Map(WebApplication app) =>
        app.MapPost("/api/v1/test/commands", async (TestCommand command, CurrentUser user) =>
            {
                Interlocked.Increment(ref executions);
                await Task.Delay(150);
                if (command.Value < 0)
                {
                    throw ProblemException.Invalid("value", "Must not be negative.");
                }

                var id = Guid.NewGuid();
                return TypedResults.Created($"/api/v1/test/commands/{id}", new { id, command.Value, member = user.MemberId });
            })
            .RequireAccess(AccessRule.Authenticated)
            .WithIdempotency();

    public sealed record TestCommand(int Value);
}

/// <summary><c>Idempotency-Key</c>: replay of the first response, 422 on a different body, one execution under concurrency.</summary>
[Trait("Category", "Security")]
public sealed class IdempotencyTests(IdempotencyHost host) : IClassFixture<IdempotencyHost>
{
    [Fact]
    public async Task The_same_key_and_body_replays_the_first_response_without_running_again()
    {
        var client = host.ClientFor(await host.RegisterAsync());
        var key = Guid.NewGuid().ToString();
        var before = IdempotencyHost.Executions;

        using var first = await SendAsync(client, key, """{"value":7}""");
        using var second = await SendAsync(client, key, """{"value":7}""");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal("application/json", second.Content.Headers.ContentType?.MediaType);
        Assert.True(second.Headers.Contains(IdempotencyFilter.ReplayedHeaderName));
        Assert.Equal(before + 1, IdempotencyHost.Executions);
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_a_422_problem()
    {
        var client = host.ClientFor(await host.RegisterAsync());
        var key = Guid.NewGuid().ToString();
        using var first = await SendAsync(client, key, """{"value":1}""");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var second = await SendAsync(client, key, """{"value":2}""");
        await ProblemAssert.IsProblemAsync(second, HttpStatusCode.UnprocessableEntity, ProblemTypes.IdempotencyKeyReused);
    }

    [Fact]
    public async Task Concurrent_duplicates_run_once_and_all_get_the_same_response()
    {
        var client = host.ClientFor(await host.RegisterAsync());
        var key = Guid.NewGuid().ToString();
        var before = IdempotencyHost.Executions;

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => SendAsync(client, key, """{"value":3}""")));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(bodies.Distinct());
        Assert.Equal(before + 1, IdempotencyHost.Executions);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_failed_request_stores_nothing_so_a_corrected_retry_runs()
    {
        var client = host.ClientFor(await host.RegisterAsync());
        var key = Guid.NewGuid().ToString();
        using var failed = await SendAsync(client, key, """{"value":-1}""");
        await ProblemAssert.IsValidationProblemAsync(failed, "value");

        using var corrected = await SendAsync(client, key, """{"value":5}""");
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
    }

    [Fact]
    public async Task Keys_belong_to_their_member()
    {
        var key = Guid.NewGuid().ToString();
        var anne = await host.RegisterAsync();
        var bob = await host.RegisterAsync();
        using var first = await SendAsync(host.ClientFor(anne), key, """{"value":9}""");
        using var second = await SendAsync(host.ClientFor(bob), key, """{"value":9}""");
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        using var document = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal(bob.Id, document.RootElement.GetProperty("member").GetGuid());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    public async Task A_malformed_key_is_a_400_problem(string key)
    {
        var client = host.ClientFor(await host.RegisterAsync());
        using var response = await SendAsync(client, key, """{"value":1}""");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Without_a_key_every_request_runs()
    {
        var client = host.ClientFor(await host.RegisterAsync());
        var before = IdempotencyHost.Executions;
        using var first = await client.PostAsJsonAsync("api/v1/test/commands", new { value = 1 });
        using var second = await client.PostAsJsonAsync("api/v1/test/commands", new { value = 1 });
        Assert.NotEqual(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.True(IdempotencyHost.Executions >= before + 2);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/test/commands")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(IdempotencyFilter.HeaderName, key);
        return await client.SendAsync(request);
    }
}
