using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Progress.ReadModel;

/// <summary>Typed Npgsql parameters for the read models' set-based statements (<c>unnest</c> of parallel arrays).</summary>
internal static class ReadModelSql
{
    public static void Add<T>(this NpgsqlBatchCommand command, T value) =>
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });

    public static void Add<T>(this NpgsqlCommand command, T value) =>
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });

    public static void AddJsonArray(this NpgsqlBatchCommand command, string[] values, NpgsqlDbType type = NpgsqlDbType.Jsonb) =>
        command.Parameters.Add(JsonArray(values, type));

    public static void AddJsonArray(this NpgsqlCommand command, string[] values) =>
        command.Parameters.Add(JsonArray(values, NpgsqlDbType.Jsonb));

    public static void AddInstants(this NpgsqlBatchCommand command, IEnumerable<DateTimeOffset> values) =>
        command.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = values.Select(v => v.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });

    public static void AddInstants(this NpgsqlBatchCommand command, IEnumerable<DateTimeOffset?> values) =>
        command.Parameters.Add(new NpgsqlParameter<DateTime?[]> { TypedValue = values.Select(v => v?.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });

    public static void AddInstant(this NpgsqlCommand command, DateTimeOffset value) =>
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = value.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });

    public static void AddInstant(this NpgsqlBatchCommand command, DateTimeOffset value) =>
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = value.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });

    /// <summary>A timestamptz column read back as a UTC <see cref="DateTimeOffset"/>.</summary>
    public static DateTimeOffset GetInstant(this NpgsqlDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    public static DateTimeOffset? GetNullableInstant(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInstant(ordinal);

    public static Guid? GetNullableGuid(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetGuid(ordinal);

    public static decimal? GetNullableDecimal(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetDecimal(ordinal);

    public static int? GetNullableInt16(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt16(ordinal);

    public static string? GetNullableString(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>An array of JSON texts, sent as <c>jsonb[]</c> or (for columns nothing queries inside) <c>json[]</c>.</summary>
    private static NpgsqlParameter<string[]> JsonArray(string[] values, NpgsqlDbType type) =>
        new() { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | type };
}
