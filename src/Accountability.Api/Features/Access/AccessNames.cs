using Accountability.Domain.Goals;
using Accountability.Domain.Groups;

namespace Accountability.Api.Features.Access;

/// <summary>
/// How roles, statuses and visibilities are spelled in the <c>rm</c> tables. Text, not enum numbers, so a
/// reader of the database (or another feature's SQL) sees what a row means.
/// </summary>
public static class AccessNames
{
    public const string Coach = "coach";
    public const string CoCoach = "co-coach";
    public const string Member = "member";

    public const string Active = "active";
    public const string Left = "left";
    public const string Removed = "removed";

    public static string Role(GroupRole role) => role switch
    {
        GroupRole.Coach => Coach,
        GroupRole.CoCoach => CoCoach,
        _ => Member,
    };

    public static GroupRole ParseRole(string role) => role switch
    {
        Coach => GroupRole.Coach,
        CoCoach => GroupRole.CoCoach,
        _ => GroupRole.Member,
    };

    public static string Status(MembershipStatus status) => status switch
    {
        MembershipStatus.Active => Active,
        MembershipStatus.Left => Left,
        _ => Removed,
    };

    public static MembershipStatus ParseStatus(string status) => status switch
    {
        Active => MembershipStatus.Active,
        Left => MembershipStatus.Left,
        _ => MembershipStatus.Removed,
    };

    public static string Visibility(GoalVisibility visibility) => visibility switch
    {
        GoalVisibility.Group => "group",
        GoalVisibility.PartnersAndCoach => "partners-and-coach",
        _ => "coach-only",
    };

    public static GoalVisibility ParseVisibility(string visibility) => visibility switch
    {
        "group" => GoalVisibility.Group,
        "partners-and-coach" => GoalVisibility.PartnersAndCoach,
        _ => GoalVisibility.CoachOnly,
    };

    public static string GoalStatus(Domain.Goals.GoalStatus status) => status switch
    {
        Domain.Goals.GoalStatus.Active => "active",
        Domain.Goals.GoalStatus.Achieved => "achieved",
        _ => "abandoned",
    };

    public static Domain.Goals.GoalStatus ParseGoalStatus(string status) => status switch
    {
        "active" => Domain.Goals.GoalStatus.Active,
        "achieved" => Domain.Goals.GoalStatus.Achieved,
        _ => Domain.Goals.GoalStatus.Abandoned,
    };

    public static string NumbersVisibility(Domain.Groups.NumbersVisibility visibility) => visibility switch
    {
        Domain.Groups.NumbersVisibility.Hidden => "hidden",
        Domain.Groups.NumbersVisibility.Individual => "individual",
        _ => "aggregate-only",
    };

    public static Domain.Groups.NumbersVisibility ParseNumbersVisibility(string visibility) => visibility switch
    {
        "hidden" => Domain.Groups.NumbersVisibility.Hidden,
        "individual" => Domain.Groups.NumbersVisibility.Individual,
        _ => Domain.Groups.NumbersVisibility.AggregateOnly,
    };
}
