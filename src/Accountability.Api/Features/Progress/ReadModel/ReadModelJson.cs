using System.Text.Json;

namespace Accountability.Api.Features.Progress.ReadModel;

/// <summary>
/// How read models store documents (domain snapshots, computed figures) in jsonb: the web defaults, so a stored
/// document reads the same as the API's JSON when an operator looks at a row.
/// </summary>
internal static class ReadModelJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidOperationException($"A stored {typeof(T).Name} document is empty.");
}
