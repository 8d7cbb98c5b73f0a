using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Groups;
using FluentValidation;
using MediatR;

namespace Accountability.Api.Features.Moderation.Announcements;

/// <summary>POST /api/v1/groups/{groupId}/announcements: <c>{"announcementId":"…","text":"…"}</c> (<c>announcementId</c> optional).</summary>
public sealed record PostAnnouncementRequest(Guid? AnnouncementId, string? Text);

public sealed record AnnouncementResponse(Guid AnnouncementId, Guid GroupId, string Text, Guid PostedBy, DateTimeOffset PostedAt);

/// <summary>The coach (or a co-coach) speaks to the whole group; it goes to the feed.</summary>
public sealed record PostAnnouncement(Guid GroupId, Guid AnnouncementId, string? Text) : IRequest<(AnnouncementResponse Announcement, long Version)>;

internal sealed class PostAnnouncementValidator : AbstractValidator<PostAnnouncement>
{
    public PostAnnouncementValidator()
    {
        RuleFor(c => c.AnnouncementId).RequiredId();
        RuleFor(c => c.Text).MultiLine();
    }
}

internal sealed class PostAnnouncementHandler(EventWriter writer, RequestActor actor) : IRequestHandler<PostAnnouncement, (AnnouncementResponse Announcement, long Version)>
{
    public async Task<(AnnouncementResponse Announcement, long Version)> Handle(PostAnnouncement request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var written = await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(nameof(PostAnnouncement), ClientId: request.AnnouncementId),
            (state, now) => GroupDecisions.Decide(new Domain.Groups.PostAnnouncement(request.AnnouncementId, request.Text ?? string.Empty), state, me.MemberId, now),
            cancellationToken);
        var posted = written.Events.OfType<AnnouncementPosted>().FirstOrDefault();
        return (new AnnouncementResponse(request.AnnouncementId, request.GroupId, posted?.Text ?? request.Text?.Trim() ?? string.Empty, posted?.PostedBy ?? me.MemberId,
            posted?.PostedAt ?? writer.Now), written.Version);
    }
}

internal static class AnnouncementEndpoints
{
    public static RouteGroupBuilder MapAnnouncements(this RouteGroupBuilder groups)
    {
        groups.MapPost("/{groupId:guid}/announcements", async (Guid groupId, PostAnnouncementRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var (announcement, version) = await mediator.Send(new PostAnnouncement(groupId, body.AnnouncementId ?? Guid.NewGuid(), body.Text), ct);
                ETags.Set(http, version);
                return TypedResults.Created($"{ModerationApi.Prefix}/{groupId}/items/{announcement.AnnouncementId}", announcement);
            })
            .RequireAccess(AccessRules.GroupStaff)
            .WithIdempotency()
            .WithName("PostAnnouncement")
            .WithSummary("Post an announcement to the group's feed.")
            .ProducesValidationProblem();
        return groups;
    }
}
