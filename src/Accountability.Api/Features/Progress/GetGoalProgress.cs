using Accountability.Api.Features.Access;
using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Api.Identity;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Domain.Progress;
using Accountability.Domain.Time;
using FluentValidation;
using MediatR;

namespace Accountability.Api.Features.Progress;

/// <summary>GET /api/v1/goals/{goalId}/progress[?asOf=yyyy-MM-dd]: streaks, consistency and today's close.</summary>
public sealed record GetGoalProgress(Guid GoalId, DateOnly? AsOf) : IRequest<GoalProgressResponse>;

/// <summary>GET /api/v1/goals/{goalId}/progress/explain[?asOf=yyyy-MM-dd]: every figure with the events behind it.</summary>
public sealed record ExplainGoalProgress(Guid GoalId, DateOnly? AsOf) : IRequest<GoalExplanationResponse>;

internal sealed class GetGoalProgressValidator : AbstractValidator<GetGoalProgress>
{
    public GetGoalProgressValidator() => RuleFor(r => r.AsOf).Must(ProgressDates.Plausible).WithMessage(ProgressDates.PlausibleMessage);
}

internal sealed class ExplainGoalProgressValidator : AbstractValidator<ExplainGoalProgress>
{
    public ExplainGoalProgressValidator() => RuleFor(r => r.AsOf).Must(ProgressDates.Plausible).WithMessage(ProgressDates.PlausibleMessage);
}

/// <summary>
/// A goal's progress now, computed by the domain from the read model's snapshot of the goal (one short goal, so
/// it is computed per request and exact to the instant), or as it stood when a past local date closed.
/// </summary>
internal sealed class GetGoalProgressHandler(CohortReader reader, Membership membership, CurrentUser user, TimeProvider time)
    : IRequestHandler<GetGoalProgress, GoalProgressResponse>, IRequestHandler<ExplainGoalProgress, GoalExplanationResponse>
{
    public async Task<GoalProgressResponse> Handle(GetGoalProgress request, CancellationToken cancellationToken)
    {
        var access = await membership.GoalAccessForAsync(user.MemberId, request.GoalId, cancellationToken);
        var (inputs, progress, day) = await ComputeAsync(request.GoalId, request.AsOf, cancellationToken);
        return ProgressWire.Response(inputs.Goal, progress, day, access, request.AsOf);
    }

    public async Task<GoalExplanationResponse> Handle(ExplainGoalProgress request, CancellationToken cancellationToken)
    {
        // The explanation names check-ins, pauses and corrections: only for those who see the goal's numbers.
        if (await membership.GoalAccessForAsync(user.MemberId, request.GoalId, cancellationToken) != Domain.Feed.Access.Full)
        {
            throw ProblemException.Forbidden("Only the goal's owner, the group's staff and those the goal shares its numbers with can see what its figures are made of.");
        }

        var (_, progress, _) = await ComputeAsync(request.GoalId, request.AsOf, cancellationToken);
        return new GoalExplanationResponse(
            request.GoalId,
            progress.AsOf.ToUniversalTime(),
            request.AsOf,
            progress.Today,
            progress.Explain()
                .Select(f => new FigureExplanationResponse(
                    f.Figure,
                    f.Value,
                    f.Consistency is { } c ? ConsistencyResponse.From(c) : null,
                    f.Periods.Select(ProgressWire.Period).ToList()))
                .ToList());
    }

    private async Task<(GoalInputs Inputs, GoalProgress Progress, LocalDay Day)> ComputeAsync(Guid goalId, DateOnly? asOf, CancellationToken ct)
    {
        var inputs = await reader.GoalAsync(goalId, ct) ?? throw ProblemException.NotFound();
        var now = time.GetUtcNow();
        return ProgressDates.Compute(inputs, asOf, now);
    }
}

/// <summary>"As of" dates: a past local date of the member (or today), never the future.</summary>
internal static class ProgressDates
{
    public const string PlausibleMessage = "Give a date in 2000 or later, as yyyy-MM-dd.";

    public static bool Plausible(DateOnly? date) => date is null || date.Value.Year >= 2000;

    /// <summary>The goal's progress now, or when <paramref name="asOf"/> closed; with the day it describes.</summary>
    public static (GoalInputs Inputs, GoalProgress Progress, LocalDay Day) Compute(GoalInputs inputs, DateOnly? asOf, DateTimeOffset now)
    {
        var clock = inputs.Clock.AsOf(now);
        var today = clock.Today(now);
        if (asOf is not { } date)
        {
            return (inputs, ProgressCalculator.Compute(inputs.Goal, inputs.Clock, inputs.Pauses, now), clock.CurrentDay(now));
        }

        if (date > today)
        {
            throw ProblemException.Invalid("asOf", $"The member's today is {today:yyyy-MM-dd}; progress cannot be shown as of a later date.");
        }

        return (inputs, ProgressCalculator.ComputeAsOfDate(inputs.Goal, inputs.Clock, inputs.Pauses, date), clock.Describe(date, now));
    }
}
