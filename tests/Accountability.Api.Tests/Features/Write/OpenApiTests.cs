using System.Net;
using System.Text.Json;
using Accountability.Api.Tests.Infrastructure;

namespace Accountability.Api.Tests.Features.Write;

/// <summary>The write side in the OpenAPI document: every operation named and summarised.</summary>
public sealed class OpenApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Theory]
    [InlineData("/api/v1/groups", "post", "CreateGroup")]
    [InlineData("/api/v1/groups/join", "post", "JoinGroup")]
    [InlineData("/api/v1/groups/{groupId}", "patch", "ChangeGroupSettings")]
    [InlineData("/api/v1/groups/{groupId}/goals", "post", "SetGoal")]
    [InlineData("/api/v1/goals/{goalId}/check-ins", "post", "PostCheckIn")]
    [InlineData("/api/v1/groups/{groupId}/today", "get", "GetToday")]
    [InlineData("/api/v1/groups/{groupId}/members/{memberId}/nudges", "post", "SendNudge")]
    [InlineData("/api/v1/groups/{groupId}/items/{itemId}/reports", "post", "ReportItem")]
    [InlineData("/api/v1/me/pauses", "post", "DeclarePause")]
    public async Task Each_write_operation_is_in_the_document_with_its_name_and_summary(string path, string method, string operationId)
    {
        var document = await WriteSteps.ReadAsync(await host.Client.GetAsync("openapi/v1.json"), HttpStatusCode.OK);
        Assert.True(document.GetProperty("paths").TryGetProperty(path, out var item), $"{path} is not in the document");
        var operation = item.GetProperty(method);
        Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
        Assert.Equal(JsonValueKind.Object, operation.GetProperty("responses").ValueKind);
    }
}
