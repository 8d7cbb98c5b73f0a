using Accountability.Domain.Common;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Leaderboards;
using Accountability.Domain.Members;
using Accountability.Domain.Time;

namespace Accountability.Domain.Tests.Support;

/// <summary>A small cohort to run rules against: a coach, a co-coach and a few members.</summary>
public static class World
{
    public static readonly Guid GroupId = Id("group");
    public static readonly Guid Coach = Id("coach");
    public static readonly Guid CoCoach = Id("co-coach");
    public static readonly Guid Alice = Id("alice");
    public static readonly Guid Bob = Id("bob");
    public static readonly Guid Carol = Id("carol");
    public static readonly Guid Dan = Id("dan");
    public static readonly Guid Stranger = Id("stranger");
    public static readonly Guid GoalId = Id("goal");
    public static readonly Guid PromptWhatWorked = Id("prompt-what-worked");
    public static readonly Guid PromptNext = Id("prompt-next");

    /// <summary>Monday 3 March 2025, 09:00 UTC (09:00 in London).</summary>
    public static readonly DateTimeOffset Start = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static readonly DateOnly StartDate = new(2025, 3, 3);

    public static Guid Id(string name) => DeterministicIds.From("test", name);

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    public static GroupCreated Created(string zone = "Europe/London", int grace = GraceRules.DefaultMinutes, NumbersVisibility numbers = NumbersVisibility.AggregateOnly) =>
        new(GroupId, Coach, "Spring cohort", "Ten weeks of small daily wins.", zone,
            [new CheckInPrompt(PromptWhatWorked, "What worked today?"), new CheckInPrompt(PromptNext, "What is next?")],
            grace, numbers, LeaderboardRule.Default, Start.AddDays(-7));

    /// <summary>Group events: created, a co-coach, and Alice, Bob, Carol, Dan as members.</summary>
    public static object[] Cohort(string zone = "Europe/London", int grace = GraceRules.DefaultMinutes, NumbersVisibility numbers = NumbersVisibility.AggregateOnly) =>
    [
        Created(zone, grace, numbers),
        new MemberJoined(GroupId, CoCoach, Start.AddDays(-7)),
        new CoCoachAssigned(GroupId, CoCoach, Coach, Start.AddDays(-7)),
        new MemberJoined(GroupId, Alice, Start.AddDays(-7)),
        new MemberJoined(GroupId, Bob, Start.AddDays(-7)),
        new MemberJoined(GroupId, Carol, Start.AddDays(-7)),
        new MemberJoined(GroupId, Dan, Start.AddDays(-7)),
    ];

    public static Group GroupState(params object[] events) => Fold<Group>(Group.Evolve, events.Length == 0 ? Cohort() : events);

    public static Member? MemberState(params object[] events) => events.Length == 0 ? null : Fold<Member>(Member.Evolve, events);

    public static Goal GoalState(params object[] events) => Fold<Goal>(Goal.Evolve, events);

    public static T Fold<T>(Func<T?, object, T?> evolve, IEnumerable<object> events)
        where T : class => events.Aggregate((T?)null, evolve) ?? throw new InvalidOperationException("No state.");

    public static GoalSet DailyGoal(DateOnly? start = null, Guid? goalId = null, Guid? member = null, Cadence? cadence = null, GoalMeasure? measure = null, GoalVisibility visibility = GoalVisibility.Group, DateOnly? end = null) =>
        new(goalId ?? GoalId, GroupId, member ?? Alice, "Walk 30 minutes", "Energy for my kids", measure ?? GoalMeasure.DoneOrNot,
            cadence ?? Cadence.Daily, start ?? StartDate, end, "New shoes", "Donate 10 to a cause I dislike", visibility, Start.AddDays(-1));

    /// <summary>A posted check-in as the decision would record it (London, posted at 20:00 local on the date).</summary>
    public static CheckInPosted Posted(DateOnly date, bool done = true, Guid? checkInId = null, Guid? goalId = null, Guid? member = null, string zone = "Europe/London", DateTimeOffset? at = null, bool stuck = false)
    {
        var postedAt = at ?? new DateTimeOffset(date.ToDateTime(new TimeOnly(20, 0)), TimeSpan.Zero);
        return new CheckInPosted(checkInId ?? Id($"check-in-{date:yyyy-MM-dd}"), goalId ?? GoalId, GroupId, member ?? Alice, date, done, null, null, [], null, stuck, true,
            postedAt, zone, date);
    }
}
