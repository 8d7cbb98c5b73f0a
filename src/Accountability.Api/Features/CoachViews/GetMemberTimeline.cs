using System.Text.Json;
using Accountability.Api.Features.Progress.ReadModel;
using AutoMapper;
using FluentValidation;
using MediatR;
using Npgsql;

namespace Accountability.Api.Features.CoachViews;

/// <summary>GET /api/v1/groups/{groupId}/members/{memberId}/timeline?before=&amp;limit=: newest first.</summary>
public sealed record GetMemberTimeline(Guid GroupId, Guid MemberId, long? Before, int? Limit) : IRequest<TimelineResponse>
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
}

/// <summary>A page of a member's timeline; pass <c>nextBefore</c> as <c>before</c> for older entries (null at the start).</summary>
public sealed record TimelineResponse(Guid GroupId, Guid MemberId, IReadOnlyList<TimelineEntryResponse> Entries, long? NextBefore);

/// <summary>One thing that happened: <c>kind</c> (check-in, goal-set, pause-declared, nudge-received, ...) and its details.</summary>
public sealed record TimelineEntryResponse(long Sequence, string Kind, DateTimeOffset At, JsonElement Data);

/// <summary>A row of <c>rm.timeline_entries</c>.</summary>
internal sealed record TimelineRow(long Seq, string Kind, DateTimeOffset At, string Data);

internal sealed class GetMemberTimelineValidator : AbstractValidator<GetMemberTimeline>
{
    public GetMemberTimelineValidator()
    {
        RuleFor(r => r.Limit).InclusiveBetween(1, GetMemberTimeline.MaxLimit).When(r => r.Limit is not null);
        RuleFor(r => r.Before).GreaterThan(0).When(r => r.Before is not null);
    }
}

internal sealed class GetMemberTimelineHandler(NpgsqlDataSource dataSource, IMapper mapper) : IRequestHandler<GetMemberTimeline, TimelineResponse>
{
    public async Task<TimelineResponse> Handle(GetMemberTimeline request, CancellationToken cancellationToken)
    {
        var limit = request.Limit ?? GetMemberTimeline.DefaultLimit;
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT seq, kind, at, data::text FROM {TimelineProjection.Entries}
             WHERE group_id = $1 AND member_id = $2 AND seq < $3
             ORDER BY seq DESC LIMIT $4
            """);
        command.Add(request.GroupId);
        command.Add(request.MemberId);
        command.Add(request.Before ?? long.MaxValue);
        command.Add(limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<TimelineRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new TimelineRow(reader.GetInt64(0), reader.GetString(1), reader.GetInstant(2), reader.GetString(3)));
        }

        var more = rows.Count > limit;
        var page = rows.Take(limit).Select(mapper.Map<TimelineEntryResponse>).ToList();
        return new TimelineResponse(request.GroupId, request.MemberId, page, more ? page[^1].Sequence : null);
    }
}

internal sealed class TimelineProfile : Profile
{
    public TimelineProfile() =>
        CreateMap<TimelineRow, TimelineEntryResponse>()
            .ForCtorParam(nameof(TimelineEntryResponse.Sequence), o => o.MapFrom(s => s.Seq))
            .ForCtorParam(nameof(TimelineEntryResponse.Data), o => o.MapFrom(s => JsonDocument.Parse(s.Data, default).RootElement.Clone()));
}
