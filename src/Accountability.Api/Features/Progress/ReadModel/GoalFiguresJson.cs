using System.Text.Json;
using System.Text.Json.Serialization;
using Accountability.Domain.Goals;
using Accountability.Domain.Progress;

namespace Accountability.Api.Features.Progress.ReadModel;

/// <summary>
/// A goal's figures in a step row's <c>goals</c> column as one JSON array instead of an object with named fields:
/// <c>[id, title, status, visibility, unit, streak, since (day number), best, last 7 done, last 7 due, last 28 done,
/// last 28 due, trailing missed, last check-in (UTC ticks), open stuck check-in]</c>. Every check-in rewrites each
/// step of its member, and every step carries all of the member's goals: with names, this column was three quarters
/// of the row and of the write-ahead log it cost. Rows written with names before are still read.
/// </summary>
internal sealed class GoalFiguresJson : JsonConverter<GoalFigures>
{
    public static JsonSerializerOptions Options { get; } = new(ReadModelJson.Options) { Converters = { new GoalFiguresJson() } };

    public override GoalFigures Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return JsonSerializer.Deserialize<GoalFigures>(ref reader, ReadModelJson.Options)
                ?? throw new JsonException("A stored goal's figures are empty.");
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"A stored goal's figures start with {reader.TokenType}, not an array.");
        }

        var id = Next(ref reader).GetGuid();
        var title = Next(ref reader).GetString() ?? string.Empty;
        var status = (GoalStatus)Next(ref reader).GetInt32();
        var visibility = (GoalVisibility)Next(ref reader).GetInt32();
        var unit = (StreakUnit)Next(ref reader).GetInt32();
        var streak = Next(ref reader).GetInt32();
        DateOnly? since = Next(ref reader).TokenType == JsonTokenType.Null ? null : DateOnly.FromDayNumber(reader.GetInt32());
        var best = Next(ref reader).GetInt32();
        var last7 = new Consistency(Next(ref reader).GetInt32(), Next(ref reader).GetInt32());
        var last28 = new Consistency(Next(ref reader).GetInt32(), Next(ref reader).GetInt32());
        var trailingMissed = Next(ref reader).GetInt32();
        DateTimeOffset? lastCheckInAt = Next(ref reader).TokenType == JsonTokenType.Null ? null : new DateTimeOffset(reader.GetInt64(), TimeSpan.Zero);
        Guid? openStuck = Next(ref reader).TokenType == JsonTokenType.Null ? null : reader.GetGuid();
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException("A stored goal's figures have more fields than this version reads.");
        }

        return new GoalFigures(id, title, status, visibility, unit, streak, since, best, last7, last28, trailingMissed, lastCheckInAt, openStuck);
    }

    public override void Write(Utf8JsonWriter writer, GoalFigures value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        writer.WriteStringValue(value.GoalId);
        writer.WriteStringValue(value.Title);
        writer.WriteNumberValue((int)value.Status);
        writer.WriteNumberValue((int)value.Visibility);
        writer.WriteNumberValue((int)value.Unit);
        writer.WriteNumberValue(value.CurrentStreak);
        WriteNullable(writer, value.CurrentSince?.DayNumber);
        writer.WriteNumberValue(value.BestStreak);
        writer.WriteNumberValue(value.Last7.Done);
        writer.WriteNumberValue(value.Last7.Due);
        writer.WriteNumberValue(value.Last28.Done);
        writer.WriteNumberValue(value.Last28.Due);
        writer.WriteNumberValue(value.TrailingMissed);

        // Figures hold instants in UTC to the microsecond (CohortCalculator.Stored): ticks give them back exactly.
        WriteNullable(writer, value.LastCheckInAt?.UtcTicks);
        if (value.OpenStuckCheckInId is { } stuck)
        {
            writer.WriteStringValue(stuck);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndArray();
    }

    private static ref Utf8JsonReader Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
        {
            throw new JsonException("A stored goal's figures have fewer fields than this version reads.");
        }

        return ref reader;
    }

    private static void WriteNullable(Utf8JsonWriter writer, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
