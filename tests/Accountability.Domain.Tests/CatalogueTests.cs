using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Accountability.Domain.Tests;

/// <summary>The contract with the event store and the API: stable names, plain payloads, stable codes, stream ids.</summary>
[Trait("Category", "Domain")]
public sealed partial class CatalogueTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private static readonly Assembly DomainAssembly = typeof(DomainEvents).Assembly;

    private static readonly HashSet<Type> Plain =
    [
        typeof(Guid), typeof(string), typeof(int), typeof(decimal), typeof(bool), typeof(DateOnly), typeof(DateTimeOffset),
    ];

    public static TheoryData<string> EventNames() => new(DomainEvents.All.Select(e => e.Name));

    [Fact]
    public void Every_event_has_one_stable_kebab_case_name()
    {
        Assert.Equal(DomainEvents.All.Count, DomainEvents.All.Select(e => e.Name).Distinct().Count());
        Assert.Equal(DomainEvents.All.Count, DomainEvents.All.Select(e => e.Type).Distinct().Count());
        Assert.All(DomainEvents.All, e => Assert.Matches(KebabCase(), e.Name));
        Assert.Equal("check-in-posted", DomainEvents.NameOf(Posted(StartDate)));
        Assert.Throws<ArgumentException>(() => DomainEvents.NameOf("not an event"));
    }

    [Fact]
    public void Events_are_sealed_records_of_the_three_stream_families()
    {
        Assert.All(DomainEvents.All, e =>
        {
            Assert.True(e.Type.IsSealed && IsRecord(e.Type), e.Type.Name);
            Assert.Contains(e.Type.Namespace, new[] { "Accountability.Domain.Groups", "Accountability.Domain.Goals", "Accountability.Domain.Members" });
            Assert.False(e.Type.Name.EndsWith("Event", StringComparison.Ordinal), e.Type.Name);
        });
    }

    [Fact]
    public void Events_carry_the_ids_projections_need()
    {
        foreach (var (name, type) in DomainEvents.All)
        {
            var properties = type.GetProperties().Select(p => p.Name).ToHashSet();
            var required = type.Namespace switch
            {
                "Accountability.Domain.Goals" => new[] { "GoalId", "GroupId", "MemberId" },
                "Accountability.Domain.Groups" => ["GroupId"],
                _ => [],
            };
            Assert.All(required, id => Assert.True(properties.Contains(id), $"{name} lacks {id}"));
            Assert.Contains(type.GetProperties(), p => p.PropertyType == typeof(DateTimeOffset));
        }
    }

    [Fact]
    public void Event_payloads_use_only_plain_types_that_serialize_without_converters()
    {
        foreach (var (name, type) in DomainEvents.All)
        {
            AssertPlain(type, name, depth: 0);
        }
    }

    [Theory]
    [MemberData(nameof(EventNames))]
    public void Each_event_round_trips_through_json_web_defaults(string name)
    {
        var type = DomainEvents.All.Single(e => e.Name == name).Type;
        var sample = Sample(type);
        var json = JsonSerializer.Serialize(sample, type, Web);
        var back = JsonSerializer.Deserialize(json, type, Web)!;
        Assert.Equal(json, JsonSerializer.Serialize(back, type, Web));
        AssertOnlyData(JsonDocument.Parse(json).RootElement, type, name);
    }

    [Fact]
    public void Every_catalogued_event_is_folded_by_its_streams_evolve()
    {
        object? group = null, goal = null, member = null;
        foreach (var (name, type) in DomainEvents.All)
        {
            var sample = Sample(type);
            var (before, after) = type.Namespace switch
            {
                "Accountability.Domain.Groups" => (group, group = Groups.Group.Evolve((Groups.Group?)group, sample)),
                "Accountability.Domain.Goals" => (goal, goal = Goals.Goal.Evolve((Goals.Goal?)goal, sample)),
                _ => (member, member = Members.Member.Evolve((Members.Member?)member, sample)),
            };
            Assert.NotNull(after);
            Assert.False(ReferenceEquals(before, after), $"{name} left the state untouched");
        }
    }

    [Fact]
    public void Error_codes_are_unique_and_shaped_area_dot_reason()
    {
        var codes = typeof(DomainErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.True(codes.Count > 100);
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Matches(AreaDotReason(), code));
        Assert.Contains("check-in.future-date", codes);
        Assert.Contains("check-in.outside-grace-window", codes);
    }

    [Fact]
    public void A_domain_exception_carries_every_error_and_the_first_one_as_the_error()
    {
        var first = new DomainError("a.b", "T", "first", ErrorKind.Validation, "x");
        var second = new DomainError("c.d", "T", "second", ErrorKind.Validation, "y");
        var exception = new DomainException([first, second]);
        Assert.Equal(first, exception.Error);
        Assert.Equal("a.b: first; c.d: second", exception.Message);
        Assert.Throws<ArgumentException>(() => new DomainException(Array.Empty<DomainError>()));
    }

    [Fact]
    public void Stream_ids_are_family_dash_lower_case_guid_and_parse_back()
    {
        var id = Guid.Parse("6F9619FF-8B86-D011-B42D-00C04FC964FF");
        Assert.Equal("group-6f9619ff-8b86-d011-b42d-00c04fc964ff", StreamIds.Group(id));
        Assert.Equal("goal-6f9619ff-8b86-d011-b42d-00c04fc964ff", StreamIds.Goal(id));
        Assert.Equal("member-6f9619ff-8b86-d011-b42d-00c04fc964ff", StreamIds.Member(id));
        Assert.True(StreamIds.TryParse(StreamIds.Member(id), out var family, out var parsed));
        Assert.Equal(("member", id), (family, parsed));
        Assert.False(StreamIds.TryParse("team-6f9619ff-8b86-d011-b42d-00c04fc964ff", out _, out _));
        Assert.False(StreamIds.TryParse("goal-nope", out _, out _));
        Assert.False(StreamIds.TryParse(null, out _, out _));
    }

    [Fact]
    public void Name_based_ids_are_stable_version_8_uuids()
    {
        var id = DeterministicIds.From("win", "7", "goal");
        Assert.Equal(id, DeterministicIds.From("win", "7", "goal"));
        Assert.NotEqual(id, DeterministicIds.From("win", "7goal"));
        Assert.Equal(8, id.Version);
        Assert.Equal('8', id.ToString("D")[14]);
    }

    [Fact]
    public void The_domain_depends_on_nothing_but_the_base_library_and_nodatime()
    {
        var references = DomainAssembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.All(references, name => Assert.True(name == "NodaTime" || name == "netstandard" || name.StartsWith("System", StringComparison.Ordinal), name));
    }

    [Fact]
    public void Public_classes_are_sealed_or_static()
    {
        var open = DomainAssembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !(t.IsAbstract && t.IsSealed))
            .Select(t => t.FullName)
            .ToList();
        Assert.Empty(open);
    }

    [GeneratedRegex("^[a-z]+(-[a-z]+)*$")]
    private static partial Regex KebabCase();

    [GeneratedRegex("^[a-z]+(-[a-z]+)*\\.[a-z]+(-[a-z]+)*$")]
    private static partial Regex AreaDotReason();

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;

    private static void AssertPlain(Type type, string path, int depth)
    {
        Assert.True(depth < 5, $"{path} nests too deep");
        foreach (var parameter in type.GetConstructors().Single(c => c.GetParameters().Length > 0).GetParameters())
        {
            var where = $"{path}.{parameter.Name}";
            var t = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            if (Plain.Contains(t))
            {
                continue;
            }

            if (t.IsEnum)
            {
                Assert.Equal(typeof(int), Enum.GetUnderlyingType(t));
                continue;
            }

            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            {
                var item = t.GetGenericArguments()[0];
                Assert.True(item.IsEnum || (item.IsSealed && IsRecord(item)), $"{where} holds {item.Name}");
                if (!item.IsEnum)
                {
                    AssertPlain(item, where, depth + 1);
                }

                continue;
            }

            Assert.True(t.IsSealed && IsRecord(t) && t.Assembly == DomainAssembly, $"{where} is a {t.Name}");
            AssertPlain(t, where, depth + 1);
        }
    }

    /// <summary>The stored shape is exactly the records' data: no computed properties leak into the log.</summary>
    private static void AssertOnlyData(JsonElement element, Type type, string path)
    {
        var parameters = type.GetConstructors().Single(c => c.GetParameters().Length > 0).GetParameters();
        Assert.Equal(parameters.Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name!)), element.EnumerateObject().Select(p => p.Name));
        foreach (var parameter in parameters)
        {
            var value = element.GetProperty(JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!));
            var t = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            if (value.ValueKind == JsonValueKind.Object)
            {
                AssertOnlyData(value, t, $"{path}.{parameter.Name}");
            }
            else if (value.ValueKind == JsonValueKind.Array && t.GetGenericArguments()[0] is { IsEnum: false } item)
            {
                AssertOnlyData(value[0], item, $"{path}.{parameter.Name}");
            }
        }
    }

    private static object Sample(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(Guid))
        {
            return Id("sample");
        }

        if (t == typeof(string))
        {
            return "Europe/London";
        }

        if (t == typeof(int))
        {
            return 3;
        }

        if (t == typeof(decimal))
        {
            return 2.5m;
        }

        if (t == typeof(bool))
        {
            return true;
        }

        if (t == typeof(DateOnly))
        {
            return StartDate;
        }

        if (t == typeof(DateTimeOffset))
        {
            return Start;
        }

        if (t.IsEnum)
        {
            return Enum.GetValues(t).Cast<object>().Last();
        }

        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var item = t.GetGenericArguments()[0];
            var array = Array.CreateInstance(item, 1);
            array.SetValue(Sample(item), 0);
            return array;
        }

        var constructor = t.GetConstructors().Single(c => c.GetParameters().Length > 0);
        return constructor.Invoke(constructor.GetParameters().Select(p => Sample(p.ParameterType)).ToArray());
    }
}
