using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Accountability.EventStore.Serialization;

/// <summary>
/// The explicit map between stable stored names and CLR event types, so renaming or moving a class never
/// breaks stored events, plus the upcasters that turn payloads stored under an old name into the current shape.
/// </summary>
public sealed partial class EventTypeRegistry
{
    private readonly ConcurrentDictionary<string, Type> typesByName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> namesByType = new();
    private readonly ConcurrentDictionary<string, Upcaster> upcasters = new(StringComparer.Ordinal);

    /// <summary>Registers <typeparamref name="T"/> under a stable name.</summary>
    public EventTypeRegistry Register<T>(string name) => Register(typeof(T), name);

    /// <summary>Registers <paramref name="type"/> under a stable name such as <c>check-in-posted</c>.</summary>
    public EventTypeRegistry Register(Type type, string name)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Event type name '{name}' must be 1-100 characters of lower-case letters, digits, '-', '_' or '.', starting with a letter.", nameof(name));
        }

        if (typesByName.TryGetValue(name, out var existing) && existing != type)
        {
            throw new ArgumentException($"Event type name '{name}' is already registered for {existing.FullName}.", nameof(name));
        }

        if (namesByType.TryGetValue(type, out var existingName) && existingName != name)
        {
            throw new ArgumentException($"{type.FullName} is already registered as '{existingName}'.", nameof(type));
        }

        if (upcasters.ContainsKey(name))
        {
            throw new ArgumentException($"Event type name '{name}' is already used by an upcaster.", nameof(name));
        }

        typesByName[name] = type;
        namesByType[type] = name;
        return this;
    }

    /// <summary>
    /// Events stored under <paramref name="oldName"/> are read as <paramref name="newName"/> after
    /// <paramref name="transform"/> reshapes their payload. Chains (v1 to v2 to v3) are followed.
    /// </summary>
    public EventTypeRegistry Upcast(string oldName, string newName, Func<JsonNode, JsonNode> transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        if (typesByName.ContainsKey(oldName))
        {
            throw new ArgumentException($"'{oldName}' is a current event type name; an upcaster must start from a retired name.", nameof(oldName));
        }

        upcasters[oldName] = new Upcaster(newName, transform);
        return this;
    }

    public IReadOnlyCollection<string> Names => typesByName.Keys.ToArray();

    public bool IsRegistered(Type type) => namesByType.ContainsKey(type);

    /// <summary>The stored name of <paramref name="type"/>, or null when it is not registered.</summary>
    public string? NameOf(Type type) => namesByType.GetValueOrDefault(type);

    /// <summary>The stored names a set of CLR types has, including retired names that upcast into them.</summary>
    public IReadOnlyList<string> NamesFor(IEnumerable<Type> types)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            if (NameOf(type) is { } name)
            {
                names.Add(name);
            }
        }

        bool added;
        do
        {
            added = false;
            foreach (var (oldName, upcaster) in upcasters)
            {
                if (names.Contains(upcaster.NewName) && names.Add(oldName))
                {
                    added = true;
                }
            }
        }
        while (added);

        return names.ToArray();
    }

    /// <summary>Reads a stored payload: the registered type, an upcast one, or an <see cref="UnknownEvent"/>/<see cref="UnreadableEvent"/>.</summary>
    public object Deserialize(string typeName, string json, JsonSerializerOptions options)
    {
        var name = typeName;
        JsonNode? node = null;
        var hops = 0;
        while (upcasters.TryGetValue(name, out var upcaster) && hops++ < 32)
        {
            try
            {
                node ??= JsonNode.Parse(json) ?? new JsonObject();
                node = upcaster.Transform(node);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                return new UnreadableEvent(typeName, json, ex.Message);
            }

            name = upcaster.NewName;
        }

        if (!typesByName.TryGetValue(name, out var type))
        {
            return new UnknownEvent(typeName, json);
        }

        try
        {
            var value = node is null ? JsonSerializer.Deserialize(json, type, options) : node.Deserialize(type, options);
            return value ?? new UnreadableEvent(typeName, json, "the payload is null");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            return new UnreadableEvent(typeName, json, ex.Message);
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();

    private sealed record Upcaster(string NewName, Func<JsonNode, JsonNode> Transform);
}
