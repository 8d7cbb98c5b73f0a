using System.Text.Json;
using Accountability.Api.Features.Access;
using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Api.Identity;
using Accountability.Api.Identity.Access;
using Accountability.EventStore;
using MediatR;
using Npgsql;
using StreamIds = Accountability.Domain.Common.StreamIds;

namespace Accountability.Api.Features.Export;

/// <summary>GET /api/v1/me/export: every event the signed-in member made or that is about them.</summary>
public sealed record GetMemberExport : IRequest<ExportDocument>;

/// <summary>GET /api/v1/groups/{groupId}/export: the cohort's events, for its coach.</summary>
public sealed record GetCohortExport(Guid GroupId) : IRequest<ExportDocument>;

/// <summary>A stream to export and which of its events belong in the export.</summary>
internal sealed record ExportSource(string StreamId, Func<JsonElement, bool>? Includes = null);

/// <summary>
/// An export, written as it is read: <c>{"subject": {...}, "exportedAt": ..., "events": [...], "count": n}</c>, the
/// events stream by stream, each stream in its own order, each event with its global sequence, stream, version,
/// stored type name, timestamp, metadata and data (as stored: the domain's event contract). Nothing is buffered
/// beyond one stream.
/// </summary>
public sealed class ExportDocument
{
    private readonly IEventStore store;
    private readonly IReadOnlyList<ExportSource> sources;
    private readonly JsonSerializerOptions json;

    internal ExportDocument(IEventStore store, JsonSerializerOptions json, string subject, Guid subjectId, DateTimeOffset exportedAt, IReadOnlyList<ExportSource> sources)
    {
        this.store = store;
        this.json = json;
        this.sources = sources;
        Subject = subject;
        SubjectId = subjectId;
        ExportedAt = exportedAt;
    }

    /// <summary>"member" or "group".</summary>
    public string Subject { get; }

    public Guid SubjectId { get; }

    public DateTimeOffset ExportedAt { get; }

    public string FileName => $"accountability-{Subject}-{SubjectId:D}-{ExportedAt:yyyyMMdd'T'HHmmss'Z'}.json";

    public async Task WriteToAsync(Stream body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartObject();
        writer.WriteStartObject("subject");
        writer.WriteString("kind", Subject);
        writer.WriteString("id", SubjectId);
        writer.WriteEndObject();
        writer.WriteString("exportedAt", ExportedAt);
        writer.WriteStartArray("events");
        long count = 0;
        foreach (var source in sources)
        {
            foreach (var e in await store.ReadStreamAsync(source.StreamId, 0, ct))
            {
                var data = DataOf(e);
                if (source.Includes is { } includes && !includes(data))
                {
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteNumber("sequence", e.Sequence);
                writer.WriteString("streamId", e.StreamId);
                writer.WriteNumber("version", e.Version);
                writer.WriteString("type", e.EventType);
                writer.WriteString("timestamp", e.Timestamp.ToUniversalTime());
                writer.WritePropertyName("metadata");

                // Through an element: serializing straight into the writer would flush it synchronously.
                JsonSerializer.SerializeToElement(e.Metadata with { Headers = null }, json).WriteTo(writer);
                writer.WritePropertyName("data");
                data.WriteTo(writer);
                writer.WriteEndObject();
                count++;
            }

            await writer.FlushAsync(ct);
        }

        writer.WriteEndArray();
        writer.WriteNumber("count", count);
        writer.WriteEndObject();
        await writer.FlushAsync(ct);
    }

    private JsonElement DataOf(StoredEvent e) => e.Data switch
    {
        UnknownEvent unknown => JsonDocument.Parse(unknown.Json).RootElement.Clone(),
        UnreadableEvent unreadable => JsonDocument.Parse(unreadable.Json).RootElement.Clone(),
        _ => JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), json),
    };
}

/// <summary>
/// What goes in an export. A member's: their own stream (zone, pauses, kudos, comments, nudges, reports, partner
/// requests), every goal they set (with its check-ins, corrections and wins), and the events of their groups'
/// streams that name them (joins, roles, pairs, mutes, opt-outs, and their own acts as staff). Others' acts about
/// them (a partner's nudge, a comment on their check-in) are the others' data and stay out.
/// A cohort's (for its coach): the group's stream, every goal set in the group, and the members' acts in the group
/// (kudos, comments, nudges, reports, partner requests); members' personal facts (zone, pauses) stay out.
/// Sources are found in the cohort read model, so a goal set in the last moments may not be listed yet.
/// </summary>
internal sealed class ExportHandlers(IEventStore store, NpgsqlDataSource dataSource, CurrentUser user, TimeProvider time)
    : IRequestHandler<GetMemberExport, ExportDocument>, IRequestHandler<GetCohortExport, ExportDocument>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<ExportDocument> Handle(GetMemberExport request, CancellationToken cancellationToken)
    {
        var memberId = user.MemberId;
        var goals = await IdsAsync($"SELECT goal_id FROM {CohortTables.Goals} WHERE member_id = $1 ORDER BY goal_id", memberId, cancellationToken);
        var groups = await IdsAsync($"SELECT group_id FROM {CohortTables.Members} WHERE member_id = $1 ORDER BY group_id", memberId, cancellationToken);
        var me = memberId.ToString("D");
        var sources = new List<ExportSource> { new(StreamIds.Member(memberId)) };
        sources.AddRange(goals.Select(g => new ExportSource(StreamIds.Goal(g))));
        sources.AddRange(groups.Select(g => new ExportSource(StreamIds.Group(g), data => Names(data, me))));
        return new ExportDocument(store, Json, "member", memberId, time.GetUtcNow(), sources);
    }

    public async Task<ExportDocument> Handle(GetCohortExport request, CancellationToken cancellationToken)
    {
        var goals = await IdsAsync($"SELECT goal_id FROM {CohortTables.Goals} WHERE group_id = $1 ORDER BY goal_id", request.GroupId, cancellationToken);
        var members = await IdsAsync($"SELECT member_id FROM {CohortTables.Members} WHERE group_id = $1 ORDER BY member_id", request.GroupId, cancellationToken);
        var group = request.GroupId.ToString("D");
        var sources = new List<ExportSource> { new(StreamIds.Group(request.GroupId)) };
        sources.AddRange(goals.Select(g => new ExportSource(StreamIds.Goal(g))));
        sources.AddRange(members.Select(m => new ExportSource(StreamIds.Member(m), data =>
            data.ValueKind == JsonValueKind.Object && data.TryGetProperty("groupId", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == group)));
        return new ExportDocument(store, Json, "group", request.GroupId, time.GetUtcNow(), sources);
    }

    /// <summary>Whether any of the event's top-level values is the member's id.</summary>
    private static bool Names(JsonElement data, string memberId) =>
        data.ValueKind == JsonValueKind.Object
        && data.EnumerateObject().Any(p => p.Value.ValueKind == JsonValueKind.String && string.Equals(p.Value.GetString(), memberId, StringComparison.OrdinalIgnoreCase));

    private async Task<List<Guid>> IdsAsync(string sql, Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Add(id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}

/// <summary>Downloads of all one's events (<c>/api/v1/me/export</c>) and of a cohort's (<c>/api/v1/groups/{groupId}/export</c>, coach only).</summary>
public static class ExportApi
{
    public static WebApplication MapExportApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/v1").WithTags("Export");

        api.MapGet("/me/export", async (IMediator mediator, CancellationToken ct) =>
            {
                var export = await mediator.Send(new GetMemberExport(), ct);
                return TypedResults.Stream(body => export.WriteToAsync(body, ct), "application/json", export.FileName);
            })
            .RequireAccess(AccessRule.Authenticated)
            .WithName("ExportMyEvents");

        api.MapGet("/groups/{groupId:guid}/export", async (Guid groupId, IMediator mediator, CancellationToken ct) =>
            {
                var export = await mediator.Send(new GetCohortExport(groupId), ct);
                return TypedResults.Stream(body => export.WriteToAsync(body, ct), "application/json", export.FileName);
            })
            .RequireAccess(AccessRules.GroupCoach)
            .WithName("ExportCohortEvents")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }
}
