using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Accountability.Api.Tests.Security;

/// <summary>What every request meets: problem documents, body limits, headers, health and the OpenAPI document.</summary>
[Trait("Category", "Security")]
public sealed class EdgeTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_body_over_64_KB_is_a_413_problem()
    {
        var body = "{\"email\":\"" + new string('a', 70_000) + "\",\"password\":\"x\"}";
        using var response = await AccountFlowTests.PostJsonAsync(host.Client, "api/v1/account/login", body);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
    }

    [Fact]
    public async Task A_chunked_body_over_64_KB_is_a_413_problem()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"email\":\"" + new string('a', 70_000) + "\",\"password\":\"x\"}");
        using var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/account/login") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await host.Client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
    }

    [Theory]
    [InlineData("not json at all", "$")]
    [InlineData("{\"email\":42,\"password\":\"x\"}", "email")]
    [InlineData("{\"email\":\"a@b.c\",\"email\":\"d@e.f\",\"password\":\"x\"}", "email")]
    [InlineData("[1,2,3]", "$")]
    public async Task Malformed_json_is_a_400_problem_naming_the_field(string body, string field)
    {
        using var response = await AccountFlowTests.PostJsonAsync(host.Client, "api/v1/account/login", body);
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.MalformedRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_missing_body_is_a_400_problem()
    {
        using var content = new StringContent(string.Empty, Encoding.UTF8, "application/json");
        using var response = await host.Client.PostAsync("api/v1/account/login", content);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.MalformedRequest);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        using var content = new StringContent("email=a", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await host.Client.PostAsync("api/v1/account/login", content);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, ProblemTypes.UnsupportedMediaType);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem_and_a_wrong_method_a_405_problem()
    {
        using var missing = await host.Client.GetAsync("api/v1/nothing-here");
        await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        using var wrongMethod = await host.Client.DeleteAsync("api/v1/account/login");
        await ProblemAssert.IsProblemAsync(wrongMethod, HttpStatusCode.MethodNotAllowed, ProblemTypes.MethodNotAllowed);
    }

    [Fact]
    public async Task Responses_carry_security_headers_and_no_server_banner()
    {
        using var response = await host.Client.GetAsync("health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Server"));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Health_is_live_and_ready_with_the_database()
    {
        using var live = await host.Client.GetAsync("health/live");
        using var ready = await host.Client.GetAsync("health/ready");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_account_endpoints_and_the_bearer_scheme()
    {
        using var response = await host.Client.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/account/login", out _));
        Assert.True(paths.TryGetProperty("/api/v1/account/profile", out _));
        Assert.True(document.RootElement.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));
    }

    [Fact]
    public async Task An_unexpected_error_is_a_500_problem_with_a_trace_id_and_no_stack_trace()
    {
        await using var failing = await ApiHost.StartAsync(new ApiHostOptions
        {
            MapEndpoints = app => app.MapGet("/test/explode", IResult () => throw new InvalidOperationException("secret internals: connection string"))
                .AllowAnonymous(),
        });
        using var response = await failing.Client.GetAsync("test/explode");
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.InternalServerError, ProblemTypes.Internal);
        var body = problem.ToString();
        Assert.DoesNotContain("secret internals", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);

        var traceId = problem.GetProperty("traceId").GetString()!;
        Assert.Contains(failing.Logs.Entries, e => e.Level == LogLevel.Error
            && e.Message.Contains(traceId, StringComparison.Ordinal) && e.Exception!.Contains("secret internals", StringComparison.Ordinal));
    }
}
