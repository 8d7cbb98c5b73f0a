using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Accountability.Api.Tests.Infrastructure;

namespace Accountability.Api.Tests.Security;

/// <summary>One generated request: where it goes, its body bytes and content type, and what kind of bad input it is.</summary>
public sealed record FuzzCase(string Kind, string Method, string Url, byte[]? Body, string? ContentType, string? IdempotencyKey)
{
    public override string ToString() =>
        $"{Method} {Url} [{Kind}] {(Body is null ? "<no body>" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 160)))}";
}

/// <summary>
/// Generates bad inputs for an endpoint from a template body (a known-good request, or one built from the body's
/// CLR type): malformed JSON, wrong JSON types, huge and odd Unicode strings, negative and overflowing numbers,
/// far-future and far-past dates, duplicate keys, missing fields, odd route values, wrong content types.
/// </summary>
public static class FuzzCases
{
    private static readonly string[] MalformedBodies =
    [
        "", " ", "{", "}", "[", "]", "{\"", "nul", "tru", "{\"a\":}", "{\"a\" 1}", "{'a':1}", "{\"a\":1,}", "{,}", "[1,,2]",
        "// comment\n{}", "/* c */{}", "{\"a\":1}{\"b\":2}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}",
        "{\"a\":01}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":0x10}", "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"unterminated}",
        "{\"a\":\"line\nbreak\"}", "{\"a\":\"tab\there\"}", "null", "true", "false", "0", "-1", "1e999", "\"text\"", "[]", "[{}]", "[null]",
        "\u00ef\u00bb\u00bf{}", "{\"__proto__\":{\"admin\":true}}", "{\"constructor\":{\"prototype\":{}}}",
    ];

    /// <summary>Raw JSON values that are wrong in type or range for most fields.</summary>
    private static readonly string[] OddValues =
    [
        "null", "true", "false", "0", "-1", "-0", "2147483648", "-2147483649", "9223372036854775808", "-9223372036854775809",
        "79228162514264337593543950336", "1e308", "-1e308", "1e-400", "1.5", "-0.000001", "123456789012345678901234567890",
        "[]", "[1,2,3]", "[\"a\"]", "{}", "{\"$ref\":\"#\"}", "{\"nested\":{\"deeper\":[{}]}}",
        "\"\"", "\" \"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud83d\"", "\"\\u202eevil\\u202c\"",
        "\"a\\u200bb\"", "\"\\ufeff\"", "\"\\uffff\"", "\"\\ufffe\"", "\"\\u2028\\u2029\"", "\"\\u001b[31mred\"",
        "\"\\uD83D\\uDC68\\u200D\\uD83D\\uDC69\\u200D\\uD83D\\uDC67\"", "\"\\u0645\\u0631\\u062d\\u0628\\u0627\"",
        "\"' OR 1=1 --\"", "\"'; DROP TABLE identity.accounts; --\"", "\"<script>alert(1)</script>\"", "\"../../../../etc/passwd\"",
        "\"%00\"", "\"{{7*7}}\"", "\"${jndi:ldap://x}\"", "\"\\\\\"", "\"Robert'); --\"",
        "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"-271821-04-20T00:00:00Z\"", "\"+275760-09-13T00:00:00Z\"",
        "\"2024-02-30\"", "\"2024-13-01\"", "\"25:61\"", "\"1e10\"", "\"NaN\"", "\"-1\"", "\"99999999999999999999\"",
        "\"00000000-0000-0000-0000-000000000000\"", "\"not-a-guid\"", "\"Europe/Paris\\u0000\"", "\"Etc/GMT+99\"", "\"../UTC\"",
    ];

    private static readonly string[] OddRouteValues =
    [
        "-1", "0", "99999999999999999999", "..", "%2e%2e", "%00", "%ff", "' OR 1=1", "<x>", "\u202e", "\U0001F600",
        "00000000-0000-0000-0000-000000000000", "not-a-guid", new string('9', 300),
    ];

    public static IReadOnlyList<FuzzCase> Generate(EndpointCatalog.ApiEndpoint endpoint, string? template, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(random);
        var fields = Parse(template ?? TemplateFor(endpoint.BodyType));
        var cases = new List<FuzzCase>(count);
        var hasRouteValues = endpoint.Endpoint.RoutePattern.Parameters.Count > 0;
        while (cases.Count < count)
        {
            var url = endpoint.Url();
            var roll = random.Next(100);
            string kind;
            string? body;
            var contentType = "application/json";

            if (hasRouteValues && roll < 10)
            {
                kind = "odd route value";
                url = endpoint.Url(_ => OddRouteValues[random.Next(OddRouteValues.Length)]);
                body = Render(fields);
            }
            else if (roll < 25)
            {
                kind = "malformed json";
                body = MalformedBodies[random.Next(MalformedBodies.Length)];
            }
            else if (roll < 30)
            {
                kind = "broken template";
                body = Break(Render(fields), random);
            }
            else if (roll < 33)
            {
                kind = "deep nesting";
                var depth = random.Next(40, 400);
                body = random.Next(2) == 0
                    ? new string('[', depth) + new string(']', depth)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
            }
            else if (roll < 36)
            {
                kind = "wrong content type";
                body = Render(fields);
                contentType = new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", string.Empty }[random.Next(5)];
            }
            else if (roll < 38)
            {
                kind = "over the size limit";
                body = Render(fields.Append(("padding", "\"" + new string('x', 70_000) + "\"")).ToList());
            }
            else if (fields.Count == 0)
            {
                kind = "odd body";
                body = OddValues[random.Next(OddValues.Length)];
            }
            else
            {
                var index = random.Next(fields.Count);
                var mutated = fields.ToList();
                var (name, _) = mutated[index];
                switch (random.Next(10))
                {
                    case 0:
                        kind = "missing field";
                        mutated.RemoveAt(index);
                        break;
                    case 1:
                        kind = "duplicate key";
                        mutated.Insert(index, (name, OddValues[random.Next(OddValues.Length)]));
                        break;
                    case 2:
                        kind = "huge string";
                        mutated[index] = (name, "\"" + string.Concat(Enumerable.Repeat(HugeUnit(random), random.Next(500, 6_000))) + "\"");
                        break;
                    case 3:
                        kind = "odd unicode";
                        mutated[index] = (name, "\"" + OddUnicode(random) + "\"");
                        break;
                    default:
                        kind = "wrong type or range";
                        mutated[index] = (name, OddValues[random.Next(OddValues.Length)]);
                        break;
                }

                body = Render(mutated);
            }

            var idempotencyKey = random.Next(10) == 0 ? Guid.NewGuid().ToString() : null;
            cases.Add(new FuzzCase(kind, endpoint.Method, url, body is null ? null : Encoding.UTF8.GetBytes(body), contentType, idempotencyKey));
        }

        return cases;
    }

    /// <summary>A body built from the request type: every property present with a plausible value.</summary>
    public static string TemplateFor(Type? type)
    {
        if (type is null)
        {
            return "{}";
        }

        var writer = new StringBuilder();
        WriteSample(writer, type, depth: 0);
        return writer.ToString();
    }

    private static void WriteSample(StringBuilder writer, Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            writer.Append("\"sample\"");
        }
        else if (type == typeof(bool))
        {
            writer.Append("true");
        }
        else if (type.IsPrimitive || type == typeof(decimal))
        {
            writer.Append('1');
        }
        else if (type == typeof(Guid))
        {
            writer.Append('"').Append(Guid.NewGuid()).Append('"');
        }
        else if (type == typeof(DateOnly))
        {
            writer.Append('"').Append(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('"');
        }
        else if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            writer.Append('"').Append(DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)).Append('"');
        }
        else if (type == typeof(TimeOnly) || type == typeof(TimeSpan))
        {
            writer.Append("\"08:00:00\"");
        }
        else if (type.IsEnum)
        {
            writer.Append('"').Append(Enum.GetNames(type).FirstOrDefault() ?? "0").Append('"');
        }
        else if (typeof(IEnumerable).IsAssignableFrom(type) || depth > 3)
        {
            writer.Append("[]");
        }
        else
        {
            writer.Append('{');
            var first = true;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
            {
                if (!first)
                {
                    writer.Append(',');
                }

                first = false;
                writer.Append('"').Append(JsonNamingPolicy.CamelCase.ConvertName(property.Name)).Append("\":");
                WriteSample(writer, property.PropertyType, depth + 1);
            }

            writer.Append('}');
        }
    }

    private static List<(string Name, string Raw)> Parse(string template)
    {
        using var document = JsonDocument.Parse(template);
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? document.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetRawText())).ToList()
            : [];
    }

    private static string Render(IEnumerable<(string Name, string Raw)> fields) =>
        "{" + string.Join(",", fields.Select(f => JsonSerializer.Serialize(f.Name) + ":" + f.Raw)) + "}";

    private static string Break(string json, Random random) => random.Next(3) switch
    {
        0 => json[..random.Next(json.Length)],
        1 => json.Remove(random.Next(json.Length), 1),
        _ => json.Insert(random.Next(json.Length), new[] { "\"", "{", "]", ",", ":", "\\" }[random.Next(6)]),
    };

    private static string HugeUnit(Random random) => new[] { "a", "\\u00e9", "\\ud83d\\ude00", "\\u0301", "\\u202e", "x\\u200b" }[random.Next(6)];

    private static string OddUnicode(Random random)
    {
        string[] pieces =
        [
            "\\u0000", "\\u0007", "\\u001f", "\\u007f", "\\u0085", "\\u00ad", "\\u200b", "\\u200d", "\\u200e", "\\u202a", "\\u202e",
            "\\u2066", "\\u2069", "\\ufeff", "\\ufffd", "\\uffff", "\\ud800", "\\udfff", "\\ue000", "\\u0301", "\\u0336", "\\u1160",
            "\\u3164", "\\ud83d\\ude00", "\\u0627", "\\u05d0", "\\u4e2d", "A", " ",
        ];
        var text = new StringBuilder();
        for (var i = random.Next(1, 30); i > 0; i--)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }

        return text.ToString();
    }
}
