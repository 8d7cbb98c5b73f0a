using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Goals;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Goals;
using Accountability.Domain.Time;
using FluentValidation;
using MediatR;
using Npgsql;

namespace Accountability.Api.Features.CheckIns.PostCheckIn;

public sealed record AnswerRequest(Guid PromptId, string? Text);

/// <summary>
/// POST /api/v1/goals/{goalId}/check-ins. <c>checkInId</c> is the client's own id: a retry never makes a second
/// check-in. <c>date</c> defaults to the member's local date now; a date that has not begun or whose day has
/// closed (local midnight plus the group's grace) is refused, saying when it closed. <c>done</c> for done/not-done
/// goals, <c>value</c> for number goals. Posting again for the same date amends the check-in (history kept).
/// </summary>
public sealed record PostCheckInRequest(
    Guid CheckInId,
    DateOnly? Date,
    bool? Done,
    decimal? Value,
    string? Note,
    IReadOnlyList<AnswerRequest?>? Answers,
    int? Mood,
    bool? Stuck,
    bool? ShareToFeed);

/// <summary>The check-in as it now reads, whether it was new, and the wins it produced (also in the group's feed).</summary>
public sealed record CheckInResponse(
    Guid CheckInId,
    Guid GoalId,
    Guid GroupId,
    DateOnly Date,
    bool Done,
    decimal? Value,
    string? Note,
    IReadOnlyList<AnswerRequest> Answers,
    int? Mood,
    bool Stuck,
    bool ShareToFeed,
    DateTimeOffset RecordedAt,
    string TimeZoneId,
    bool Amended,
    DateTimeOffset DayClosesAt,
    IReadOnlyList<WinResponse> Wins,
    long Version);

public sealed record PostCheckIn(Guid GoalId, PostCheckInRequest CheckIn) : IRequest<(CheckInResponse CheckIn, bool Created)>;

internal sealed class PostCheckInValidator : AbstractValidator<PostCheckIn>
{
    public PostCheckInValidator()
    {
        RuleFor(c => c.CheckIn.CheckInId).RequiredId().OverridePropertyName("checkInId");
        RuleFor(c => c.CheckIn.Note).MultiLine().OverridePropertyName("note");
        RuleFor(c => c.CheckIn.Answers)
            .Must(answers => answers is null || answers.All(a => a is null || a.Text is null || TextRules.IsClean(a.Text, multiLine: true)))
            .WithMessage("An answer contains control, invisible or direction-changing characters.")
            .OverridePropertyName("answers");
    }
}

internal sealed class PostCheckInHandler(EventWriter writer, RequestActor actor, NpgsqlDataSource dataSource, ILogger<GroupMilestones> logger)
    : IRequestHandler<PostCheckIn, (CheckInResponse CheckIn, bool Created)>
{
    public async Task<(CheckInResponse CheckIn, bool Created)> Handle(PostCheckIn request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var body = request.CheckIn;
        var command = new Domain.Goals.PostCheckIn(
            body.CheckInId,
            body.Date,
            body.Done,
            body.Value,
            body.Note,
            body.Answers?.Select(a => a is null ? null! : new PromptAnswer(a.PromptId, a.Text ?? string.Empty)).ToList(),
            body.Mood,
            body.Stuck ?? false,
            body.ShareToFeed ?? true);
        GoalContext? context = null;
        DateOnly? date = null;
        var written = await writer.WriteGoalAsync(request.GoalId, me, new WriteOptions(nameof(PostCheckIn), ClientId: body.CheckInId),
            async (goal, now) =>
            {
                // The access rule has checked the goal exists and is the caller's; the goal itself names its group.
                var existing = goal ?? throw GoalContext.GoalNotFound();
                context = await GoalContext.LoadAsync(writer, existing.GroupId, existing.MemberId, cancellationToken);
                var group = context.RequireGroup();
                var decided = GoalDecisions.Decide(command, goal, group, context.Owner, me.MemberId, now);

                // The date the domain checked in (its own default: the first attempt's date, else the calendar date now).
                date = decided.OfType<CheckInPosted>().Select(e => (DateOnly?)e.Date)
                    .Concat(decided.OfType<CheckInAmended>().Select(e => (DateOnly?)e.Date)).FirstOrDefault()
                    ?? body.Date
                    ?? (goal!.CheckInDates.TryGetValue(body.CheckInId, out var first) ? first : DayClock.For(group, context.Owner).CalendarDateAt(now));
                return GoalWins.WithWins(goal, decided, group, context.Owner, now);
            },
            cancellationToken);

        var goal = written.State!;
        var checkIn = goal.CheckIns[date!.Value];
        var current = checkIn.Current;
        var clock = DayClock.For(context!.RequireGroup(), context.Owner);
        if (written.Events.OfType<CheckInPosted>().Any())
        {
            await new GroupMilestones(writer, dataSource, logger).RecordAsync(me, context.RequireGroup(), checkIn.CheckInId, checkIn.Date, cancellationToken);
        }

        var response = new CheckInResponse(
            checkIn.CheckInId,
            goal.Id,
            goal.GroupId,
            checkIn.Date,
            current.Content.Done,
            current.Content.Value,
            current.Content.Note,
            current.Content.Answers.Select(a => new AnswerRequest(a.PromptId, a.Text)).ToList(),
            current.Content.Mood,
            current.Content.Stuck,
            current.Content.ShareToFeed,
            current.RecordedAt,
            current.TimeZoneId,
            checkIn.Versions.Count > 1,
            clock.ClosesAt(checkIn.Date),
            GoalWins.Of(written.Events),
            written.Version);
        return (response, written.Events.OfType<CheckInPosted>().Any());
    }
}

internal static class PostCheckInEndpoint
{
    public static RouteGroupBuilder MapPostCheckIn(this RouteGroupBuilder api)
    {
        api.MapPost("/goals/{goalId:guid}/check-ins", async Task<Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Created<CheckInResponse>, Microsoft.AspNetCore.Http.HttpResults.Ok<CheckInResponse>>> (
                Guid goalId, PostCheckInRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var (checkIn, created) = await mediator.Send(new PostCheckIn(goalId, body), ct);
                ETags.Set(http, checkIn.Version);
                return created
                    ? TypedResults.Created($"/api/v1/goals/{goalId}/check-ins/{checkIn.Date:yyyy-MM-dd}", checkIn)
                    : TypedResults.Ok(checkIn);
            })
            .RequireAccess(AccessRules.GoalOwner)
            .WithIdempotency()
            .WithName("PostCheckIn")
            .WithSummary("Check in on a goal for a local date (201 when new; 200 when it amends that date's check-in or repeats it).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }
}
