using System.Net;
using System.Text.Json;

namespace Accountability.Api.Tests.Infrastructure;

/// <summary>Assertions on RFC 9457 problem responses.</summary>
public static class ProblemAssert
{
    /// <summary>Asserts the status, that the body is <c>application/problem+json</c> with a stable type, and returns it.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? type = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        var actualType = problem.GetProperty("type").GetString();
        Assert.StartsWith("urn:accountability:problem:", actualType, StringComparison.Ordinal);
        if (type is not null)
        {
            Assert.Equal(type, actualType);
        }

        Assert.True(problem.TryGetProperty("traceId", out _), "A problem carries a traceId.");
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return problem;
    }

    /// <summary>Asserts a 400 validation problem with an error for each of <paramref name="fields"/>.</summary>
    public static async Task<JsonElement> IsValidationProblemAsync(HttpResponseMessage response, params string[] fields)
    {
        var problem = await IsProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in fields)
        {
            Assert.True(errors.TryGetProperty(field, out _), $"Expected an error for '{field}' in {errors}");
        }

        return problem;
    }
}
