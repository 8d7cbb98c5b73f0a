using System.Collections.Immutable;
using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Groups;
using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Api.Identity;
using Accountability.Domain.Feed;
using Accountability.Domain.Groups;
using Accountability.Domain.Leaderboards;
using AutoMapper;
using FluentValidation;
using MediatR;
using DomainMembership = Accountability.Domain.Groups.Membership;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.Leaderboards;

/// <summary>GET /api/v1/groups/{groupId}/leaderboard?window=this-week|rolling-4-weeks|all-time.</summary>
public sealed record GetLeaderboard(Guid GroupId, string? Window) : IRequest<LeaderboardResponse>;

/// <summary>
/// A group's board for a window. <c>rows</c> are in rank order (ranked first, then members with too little due to
/// rank). Figures (<c>done</c>, <c>due</c>, <c>percent</c>, <c>currentStreak</c>) of other members are shown only
/// when the group shows individual numbers (staff always see them); with "aggregate-only" others appear by rank
/// without figures, with "hidden" the board shows only your own row. Members who opted out are left out of
/// everyone's board but their own (<c>hiddenFromOthers</c>); <c>hiddenCount</c> says how many.
/// </summary>
public sealed record LeaderboardResponse(
    Guid GroupId,
    string Window,
    LeaderboardRuleResponse Rule,
    string NumbersVisibility,
    DateTimeOffset AsOf,
    IReadOnlyList<LeaderboardRowResponse> Rows,
    LeaderboardRowResponse? You,
    int HiddenCount,
    LeaderboardAggregateResponse? Group);

public sealed record LeaderboardRowResponse(
    int? Rank,
    Guid MemberId,
    string? DisplayName,
    int? Done,
    int? Due,
    decimal? Percent,
    int? CurrentStreak,
    bool IsYou,
    bool HiddenFromOthers);

/// <summary>The whole group's consistency in the window (everyone's done over everyone's due).</summary>
public sealed record LeaderboardAggregateResponse(int Members, int Done, int Due, decimal? Percent);

internal sealed class GetLeaderboardValidator : AbstractValidator<GetLeaderboard>
{
    public GetLeaderboardValidator() =>
        RuleFor(r => r.Window)
            .Must(w => w is null || LeaderboardWire.TryParseWindow(w, out _))
            .WithMessage("Use 'this-week', 'rolling-4-weeks' or 'all-time'.");
}

/// <summary>
/// Ranks the group's members with the domain's <see cref="LeaderboardRanking.Rank"/> and the group's current rule,
/// from each member's board entry in the cohort read model (their goals visible to the group, paused and excused
/// periods already out). A new rule version therefore re-ranks the whole history at once. Staff are not ranked.
/// </summary>
internal sealed class GetLeaderboardHandler(CohortReader reader, Membership membership, MemberNames names, CurrentUser user, TimeProvider time, IMapper mapper)
    : IRequestHandler<GetLeaderboard, LeaderboardResponse>
{
    public async Task<LeaderboardResponse> Handle(GetLeaderboard request, CancellationToken cancellationToken)
    {
        var viewer = user.MemberId;
        var now = time.GetUtcNow();
        var window = LeaderboardWire.TryParseWindow(request.Window ?? LeaderboardWire.DefaultWindow, out var parsed) ? parsed : LeaderboardWindow.Rolling4Weeks;
        var cohort = await reader.CohortAsync(request.GroupId, now, withPairs: false, cancellationToken, withGoals: false);

        // The access rule has let the viewer in as an active member; their role is on the cohort's roster (staff included).
        var role = cohort?.Member(viewer)?.Role
            ?? await membership.RoleInAsync(request.GroupId, viewer, cancellationToken)
            ?? GroupRole.Member;
        var numbers = cohort?.NumbersVisibility ?? NumbersVisibility.AggregateOnly;
        var rule = cohort?.Rule ?? LeaderboardRule.Default;

        var ranked = (cohort?.Members ?? [])
            .Where(m => m.Role == GroupRole.Member)
            .Select(m =>
            {
                var board = m.Figures.Board(window);
                return new LeaderboardEntry(m.MemberId, board.Consistency, board.CurrentStreak, board.StreakReachedAt, m.OptedOut);
            })
            .ToList();
        var view = LeaderboardRanking.Rank(ranked, rule, window, viewer);

        // What the viewer may see of others follows the group's numbers visibility (staff see everything).
        var group = ViewerGroup(request.GroupId, viewer, role, numbers);
        var staff = group.IsStaff(viewer);
        var showOthers = staff || numbers == NumbersVisibility.Individual;
        var rows = view.Rows
            .Where(r => r.IsViewer || staff || numbers != NumbersVisibility.Hidden)
            .ToList();
        var displayNames = await names.DisplayNamesAsync(rows.Select(r => r.MemberId).ToList(), cancellationToken);
        var responses = rows
            .Select(r =>
            {
                var row = mapper.Map<LeaderboardRowResponse>(r) with { DisplayName = displayNames.GetValueOrDefault(r.MemberId) };
                return r.IsViewer || showOthers ? row : row with { Done = null, Due = null, Percent = null, CurrentStreak = null };
            })
            .ToList();

        LeaderboardAggregateResponse? aggregate = null;
        if (Visibility.CanSeeGroupAggregates(group, viewer))
        {
            var total = ranked.Aggregate(Domain.Progress.Consistency.None, (sum, e) => sum.Add(e.Consistency));
            aggregate = new LeaderboardAggregateResponse(ranked.Count, total.Done, total.Due, total.Percent);
        }

        return new LeaderboardResponse(
            request.GroupId,
            LeaderboardWire.Window(window),
            new LeaderboardRuleResponse(rule.Version, WireNames.LeaderboardBasis.Name(rule.Basis), rule.MinimumDue),
            WireNames.NumbersVisibility.Name(numbers),
            now,
            responses,
            responses.FirstOrDefault(r => r.IsYou),
            view.HiddenCount,
            aggregate);
    }

    /// <summary>Just enough of the group for the domain's visibility rules: the viewer's role and the numbers setting.</summary>
    private static Group ViewerGroup(Guid groupId, Guid viewer, GroupRole role, NumbersVisibility numbers) =>
        new(groupId, Guid.Empty, string.Empty, string.Empty, "UTC", [], 0, numbers, LeaderboardRule.Default, DateTimeOffset.MinValue)
        {
            Roster = ImmutableDictionary<Guid, DomainMembership>.Empty.Add(viewer, new DomainMembership(viewer, role, MembershipStatus.Active, DateTimeOffset.MinValue)),
        };
}

internal sealed class LeaderboardProfile : Profile
{
    public LeaderboardProfile() =>
        CreateMap<LeaderboardRow, LeaderboardRowResponse>()
            .ForCtorParam(nameof(LeaderboardRowResponse.Done), o => o.MapFrom(s => s.Consistency.Done))
            .ForCtorParam(nameof(LeaderboardRowResponse.Due), o => o.MapFrom(s => s.Consistency.Due))
            .ForCtorParam(nameof(LeaderboardRowResponse.IsYou), o => o.MapFrom(s => s.IsViewer))
            .ForCtorParam(nameof(LeaderboardRowResponse.DisplayName), o => o.MapFrom(_ => (string?)null));
}

public static class LeaderboardWire
{
    public const string DefaultWindow = "rolling-4-weeks";

    public static string Window(LeaderboardWindow window) => window switch
    {
        LeaderboardWindow.ThisWeek => "this-week",
        LeaderboardWindow.AllTime => "all-time",
        _ => "rolling-4-weeks",
    };

    public static bool TryParseWindow(string value, out LeaderboardWindow window)
    {
        (var known, window) = value switch
        {
            "this-week" => (true, LeaderboardWindow.ThisWeek),
            "rolling-4-weeks" => (true, LeaderboardWindow.Rolling4Weeks),
            "all-time" => (true, LeaderboardWindow.AllTime),
            _ => (false, LeaderboardWindow.Rolling4Weeks),
        };
        return known;
    }
}
