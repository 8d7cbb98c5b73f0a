using System.Globalization;
using System.Security.Cryptography;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Goals;
using Accountability.Domain.Common;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.Domain.Wins;
using NodaTime;

namespace Accountability.Api.Demo;

/// <summary>
/// Six weeks of a cohort's life, written through the same decisions the API uses, each decided as of the instant it
/// "happened" (<see cref="WriteOptions.At"/>). Chance comes from name-based hashes, so every seed tells the same story.
/// </summary>
internal sealed class DemoHistory(IServiceProvider services, IReadOnlyDictionary<string, Guid> ids)
{
    private const int Days = 42;

    private static readonly string[] Notes =
    [
        "Felt strong today.", "Harder than expected, but done.", "Early start, clear head.", "Squeezed it in after work.",
        "Rainy, still went for it.", "Tired but happy I did it.", "Best one this week!", "Kept it short and honest.",
    ];

    private static readonly string[] MissNotes = ["Rest day, legs sore.", "Travel day, no chance.", "Long shift, skipped it.", "Kids were ill."];

    private static readonly string[] Comments =
    [
        "Love this consistency!", "You're on fire 🔥", "Proud of you.", "That's the way.", "Same here, keep going!", "Inspiring, thanks for sharing.",
    ];

    private readonly EventWriter writer = services.GetRequiredService<EventWriter>();
    private readonly Guid groupId = Guid.NewGuid();
    private readonly DateTimeOffset now = services.GetRequiredService<EventWriter>().Now;
    private readonly List<GoalPlan> plans = [];
    private readonly Dictionary<DateOnly, HashSet<string>> checkedIn = [];
    private IReadOnlyList<CheckInPrompt> prompts = [];
    private DateOnly firstDay;
    private int events;
    private int checkIns;

    private sealed record GoalPlan(DemoPerson Owner, Guid GoalId, string Title, DateOnly Start, bool Shared, Func<int, DateOnly, Outcome?> Day)
    {
        public bool Closed { get; set; }
    }

    /// <summary>What a member reports for a goal on a day (null: no check-in at all).</summary>
    private sealed record Outcome(bool? Done, decimal? Value = null, string? Note = null, bool Stuck = false);

    public async Task<(int Events, int CheckIns)> WriteAsync(CancellationToken ct)
    {
        firstDay = LocalToday(DemoCohort.Coach).AddDays(-(Days - 1));
        await FoundGroupAsync(ct);
        await SetGoalsAsync(ct);
        for (var i = 0; i < Days; i++)
        {
            await LiveDayAsync(i, firstDay.AddDays(i), ct);
        }

        return (events, checkIns);
    }

    private async Task FoundGroupAsync(CancellationToken ct)
    {
        var coach = DemoCohort.Coach;
        var created = At(coach, firstDay.AddDays(-2), 10);
        prompts =
        [
            new CheckInPrompt(Guid.NewGuid(), "What went well today?"),
            new CheckInPrompt(Guid.NewGuid(), "What got in the way?"),
            new CheckInPrompt(Guid.NewGuid(), "What will you try tomorrow?"),
        ];
        await GroupAsync(coach, created, (g, t) => GroupDecisions.Decide(
            new CreateGroup(groupId, DemoCohort.GroupName, "Six weeks of small daily promises, kept together. Check in every day you're due; cheer each other on.",
                "Europe/London", prompts), g, Id(coach), t), ct);
        await ZoneAsync(coach, created, ct);
        var code = InviteCodes.Generate(RandomNumberGenerator.GetBytes(InviteCodes.Length));
        await GroupAsync(coach, created.AddMinutes(5), (g, t) => GroupDecisions.Decide(new IssueInviteCode(code), g, Id(coach), t), ct);

        foreach (var member in DemoCohort.Members)
        {
            var joined = member == DemoCohort.Kai ? At(member, firstDay.AddDays(27), 12) : At(member, firstDay.AddDays(-1), 12);
            await ZoneAsync(member, joined, ct);
            await GroupAsync(member, joined, (g, t) => GroupDecisions.Decide(new JoinGroup(code), g, Id(member), t), ct);
        }

        var pairedAt = At(coach, firstDay, 9);
        foreach (var (first, second) in new[]
                 {
                     (DemoCohort.Maya, DemoCohort.Liam), (DemoCohort.Sofia, DemoCohort.Ethan),
                     (DemoCohort.Noah, DemoCohort.Oliver), (DemoCohort.Aisha, DemoCohort.Hana),
                 })
        {
            await GroupAsync(coach, pairedAt, (g, t) => GroupDecisions.Decide(new AssignPartners(Guid.NewGuid(), Id(first), Id(second)), g, Id(coach), t), ct);
        }
    }

    private async Task SetGoalsAsync(CancellationToken ct)
    {
        var p = DemoCohort.Maya;
        await GoalAsync(p, "Morning run", "Training for a half marathon in June", GoalMeasure.DoneOrNot, Cadence.Daily,
            (i, d) => Usual(p, "run", i, d), reward: "New running shoes", consequence: "Buy the group coffee", ct: ct);

        p = DemoCohort.Liam;
        await GoalAsync(p, "Read 20 pages", "Finish 12 books this year", GoalMeasure.Number("pages", 20), Cadence.Daily,
            (i, d) => i == 36 ? null : Number(Usual(DemoCohort.Liam, "read", i, d), done: 20 + (int)(Roll("liam-pages", i) * 25), missed: 8), ct: ct);

        p = DemoCohort.Sofia;
        var stuckDay = FirstOn(12, DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday);
        await GoalAsync(p, "Gym session", "Get strong enough to hike Kilimanjaro", GoalMeasure.DoneOrNot, Cadence.On(DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday),
            (i, d) => i == stuckDay ? new Outcome(false, Note: "Knee twinge on squats. Not sure how to adapt leg days.", Stuck: true) : Usual(DemoCohort.Sofia, "gym", i, d), ct: ct);

        p = DemoCohort.Noah;
        await GoalAsync(p, "Meditate 10 minutes", "Less reactive at work", GoalMeasure.DoneOrNot, Cadence.Daily,
            (i, d) => i is >= 14 and <= 20 ? null : Usual(DemoCohort.Noah, "meditate", i, d), ct: ct);

        p = DemoCohort.Aisha;
        await GoalAsync(p, "Strength training", "Deadlift my bodyweight", GoalMeasure.DoneOrNot, Cadence.TimesAWeek(3),
            (i, d) => d.DayOfWeek is DayOfWeek.Tuesday or DayOfWeek.Thursday or DayOfWeek.Saturday ? Usual(DemoCohort.Aisha, "lift", i, d) : null, ct: ct);

        p = DemoCohort.Ethan;
        await GoalAsync(p, "At most 2 coffees", "Sleep better", GoalMeasure.Number("cups", 2, TargetDirection.AtMost), Cadence.Daily,
            (i, d) => Number(Usual(DemoCohort.Ethan, "coffee", i, d), done: 1 + (int)(Roll("ethan-cups", i) * 2), missed: 3 + (int)(Roll("ethan-more", i) * 2)),
            visibility: GoalVisibility.PartnersAndCoach, ct: ct);

        p = DemoCohort.Hana;
        await GoalAsync(p, "Write 500 words", "Draft my novel by autumn", GoalMeasure.Number("words", 500), Cadence.Daily,
            (i, d) => i is >= 20 and <= 27 ? null : Number(Usual(DemoCohort.Hana, "write", i, d), done: 500 + (int)(Roll("hana-words", i) * 900), missed: 150), ct: ct);

        p = DemoCohort.Oliver;
        await GoalAsync(p, "Long ride", "Ride London–Brighton in July", GoalMeasure.DoneOrNot, Cadence.Weekly,
            (i, d) => d.DayOfWeek == DayOfWeek.Saturday ? Usual(DemoCohort.Oliver, "ride", i, d) : null, ct: ct);

        p = DemoCohort.Zara;
        await GoalAsync(p, "Spanish practice", "Talk with my grandmother in Seville", GoalMeasure.DoneOrNot, Cadence.Daily,
            (i, d) => Usual(DemoCohort.Zara, "spanish", i, d), ct: ct);

        p = DemoCohort.Lucas;
        await GoalAsync(p, "Stretch 15 minutes", "Back pain gone by summer", GoalMeasure.DoneOrNot,
            Cadence.On(DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday),
            (i, d) => i == 30 ? null : Usual(DemoCohort.Lucas, "stretch", i, d), ct: ct);
        await GoalAsync(p, "Learn to juggle", null, GoalMeasure.DoneOrNot, Cadence.Daily,
            (i, d) => i < 20 && Roll("juggle", i) < 0.5 ? new Outcome(true) : null, ct: ct);

        p = DemoCohort.Emma;
        await GoalAsync(p, "Walk 8,000 steps", "More energy for the kids", GoalMeasure.Number("steps", 8000), Cadence.Daily,
            (i, d) => Number(Usual(DemoCohort.Emma, "steps", i, d), done: 8000 + (int)(Roll("emma-steps", i) * 6000), missed: 5200), ct: ct);
        await GoalAsync(p, "Run a 10k", "First race since college", GoalMeasure.DoneOrNot, Cadence.Weekly,
            (i, d) => d.DayOfWeek == DayOfWeek.Sunday && i < 35 ? new Outcome(true, Note: "Long run done.") : null, ct: ct);

        p = DemoCohort.Kai;
        await GoalAsync(p, "Drink 8 glasses of water", "Fewer headaches", GoalMeasure.Number("glasses", 8), Cadence.Daily,
            (i, d) => i == Days - 2
                ? new Outcome(null, 3, "Keep forgetting after lunch. Any tricks?", Stuck: true)
                : Number(Usual(DemoCohort.Kai, "water", i, d), done: 8 + (int)(Roll("kai-glasses", i) * 3), missed: 5),
            startDay: 28, ct: ct);
    }

    private async Task LiveDayAsync(int i, DateOnly date, CancellationToken ct)
    {
        var coach = DemoCohort.Coach;
        if (i % 7 == 0)
        {
            var text = (i / 7) switch
            {
                0 => "Welcome to the Spring Momentum Cohort! Check in every day you're due, even on the bad ones: an honest 'not done' beats silence.",
                1 => "Week 2: the novelty wears off now. Tell your partner when you'll check in tomorrow.",
                2 => "Halfway through week 3, and 80% of you checked in yesterday. Proud of this group.",
                3 => "Pauses are there for a reason: travelling or ill? Declare a pause, don't break a streak.",
                4 => "Welcome Kai, who joins us this week! Say hi in the comments.",
                _ => "Last stretch. Look back at where you started — and pick one habit to keep after the cohort.",
            };
            await GroupAsync(coach, At(coach, date, 9), (g, t) => GroupDecisions.Decide(new PostAnnouncement(Guid.NewGuid(), text), g, Id(coach), t), ct);
        }

        if (i == 10)
        {
            await GroupAsync(coach, At(coach, date, 10), (g, t) => GroupDecisions.Decide(new AssignCoCoach(Id(DemoCohort.Oliver)), g, Id(coach), t), ct);
        }

        if (i == 2)
        {
            await MemberAsync(DemoCohort.Zara, At(DemoCohort.Zara, date, 20), (m, g, t) =>
                MemberDecisions.Decide(new RequestPartner(DeterministicIds.From("demo", "zara-lucas"), groupId, Id(DemoCohort.Lucas), "Accountability buddies? I check in late evenings."), m, g, Id(DemoCohort.Zara), t), ct);
        }

        if (i == 3)
        {
            var zara = await writer.LoadMemberAsync(Id(DemoCohort.Zara), ct);
            var request = zara!.PartnerRequests[DeterministicIds.From("demo", "zara-lucas")];
            await GroupAsync(DemoCohort.Lucas, At(DemoCohort.Lucas, date, 8), (g, t) =>
                GroupDecisions.Decide(new AcceptPartnerRequest(request.RequestId, Guid.NewGuid()), g, request, Id(DemoCohort.Lucas), t), ct);
        }

        if (i == 17)
        {
            await MemberAsync(DemoCohort.Hana, At(DemoCohort.Hana, date, 12), (m, g, t) =>
                MemberDecisions.Decide(new DeclarePause(Guid.NewGuid(), firstDay.AddDays(20), firstDay.AddDays(27), PauseReason.Vacation, "Family trip to Hokkaido"), m, Id(DemoCohort.Hana), t), ct);
        }

        if (i == 30)
        {
            await MemberAsync(DemoCohort.Emma, At(DemoCohort.Emma, date, 19), (m, g, t) =>
                MemberDecisions.Decide(new RequestPartner(Guid.NewGuid(), groupId, Id(DemoCohort.Kai), "Want to be partners? I'm an evening checker-inner."), m, g, Id(DemoCohort.Emma), t), ct);
        }

        foreach (var plan in plans.Where(p => !p.Closed && date >= p.Start))
        {
            if (plan.Day(i, date) is { } outcome && At(plan.Owner, date, plan.Owner.Hour) is var at && at < now)
            {
                await CheckInAsync(plan, i, date, outcome, at, ct);
            }
        }

        await NudgesAsync(i, date, ct);

        if (i == 20)
        {
            var juggling = plans.Single(p => p.Title == "Learn to juggle");
            await GoalAsync(juggling, DemoCohort.Lucas, At(DemoCohort.Lucas, date, 21), (goal, g, m, t) =>
                GoalDecisions.Decide(new AbandonGoal("Stretching matters more; dropping this one."), goal, g, m, Id(DemoCohort.Lucas), t), ct);
            juggling.Closed = true;
        }

        if (i == 31)
        {
            var stretch = plans.Single(p => p.Title == "Stretch 15 minutes");
            var correctionId = Guid.NewGuid();
            await GoalAsync(stretch, DemoCohort.Lucas, At(DemoCohort.Lucas, date, 13), (goal, g, m, t) =>
                GoalDecisions.Decide(new RequestStreakCorrection(correctionId, firstDay.AddDays(30), "Flu — in bed all day, couldn't stretch."), goal, g, m, Id(DemoCohort.Lucas), t), ct);
            await GoalAsync(stretch, DemoCohort.Coach, At(DemoCohort.Coach, date, 18), (goal, g, m, t) =>
                GoalWins.WithWins(goal, GoalDecisions.Decide(new ApproveStreakCorrection(correctionId, "Get well soon — streak restored."), goal, g, Id(DemoCohort.Coach), t), g, m, t), ct);
        }

        if (i == 35)
        {
            var tenK = plans.Single(p => p.Title == "Run a 10k");
            var at = At(DemoCohort.Emma, date, 10);
            if (at < now)
            {
                var written = await GoalAsync(tenK, DemoCohort.Emma, at, (goal, g, m, t) =>
                    GoalWins.WithWins(goal, GoalDecisions.Decide(new AchieveGoal("Ran my first 10k race in 58:12!"), goal, g, m, Id(DemoCohort.Emma), t), g, m, t), ct);
                tenK.Closed = true;
                await CelebrateAsync(written.Events.OfType<WinRecorded>(), DemoCohort.Emma, at, ct);
            }
        }

        if (i == 37)
        {
            var reading = plans.Single(p => p.Title == "Read 20 pages");
            await GoalAsync(reading, DemoCohort.Liam, At(DemoCohort.Liam, date, 13), (goal, g, m, t) =>
                GoalDecisions.Decide(new RequestStreakCorrection(Guid.NewGuid(), firstDay.AddDays(36), "Phone died on the train so I couldn't check in — I did read."), goal, g, m, Id(DemoCohort.Liam), t), ct);
        }

        await GroupMilestoneAsync(date, ct);
    }

    private async Task CheckInAsync(GoalPlan plan, int i, DateOnly date, Outcome outcome, DateTimeOffset at, CancellationToken ct)
    {
        var owner = plan.Owner;
        var checkInId = Guid.NewGuid();
        IReadOnlyList<PromptAnswer> answers = Roll(owner.Key, "answer", i) < 0.3 && outcome.Done != false
            ? [new PromptAnswer(prompts[0].PromptId, outcome.Note ?? "Showed up even when I didn't feel like it.")]
            : [];
        var mood = outcome.Stuck ? 2 : 3 + (int)(Roll(owner.Key, "mood", i) * 3);
        var written = await GoalAsync(plan, owner, at, (goal, g, m, t) =>
        {
            var decided = GoalDecisions.Decide(new PostCheckIn(checkInId, date, outcome.Done, outcome.Value, outcome.Note, answers, mood, outcome.Stuck), goal, g, m, Id(owner), t);
            return GoalWins.WithWins(goal, decided, g, m, t);
        }, ct);
        checkIns++;
        (checkedIn.TryGetValue(date, out var day) ? day : checkedIn[date] = []).Add(owner.Key);

        if (outcome.Stuck)
        {
            if (owner == DemoCohort.Sofia)
            {
                await CommentAsync(DemoCohort.Coach, checkInId, owner, at.AddHours(2), "Let's swap squats for glute bridges this week — message me and we'll adapt the plan.", ct);
            }

            return;
        }

        if (!plan.Shared || written.Events.OfType<CheckInPosted>().FirstOrDefault() is not { Done: true })
        {
            await CelebrateAsync(written.Events.OfType<WinRecorded>(), owner, at, ct);
            return;
        }

        var giver = Other(owner, i, "kudos");
        if (giver is not null && Roll(owner.Key, "kudos", i) < 0.35)
        {
            await KudosAsync(giver, checkInId, owner, at.AddHours(2), ct);
        }

        var commenter = Other(owner, i, "comment");
        if (commenter is not null && Roll(owner.Key, "comment", i) < 0.08)
        {
            await CommentAsync(commenter, checkInId, owner, at.AddHours(3), Comments[(int)(Roll(owner.Key, "text", i) * Comments.Length)], ct);
        }

        await CelebrateAsync(written.Events.OfType<WinRecorded>(), owner, at, ct);
    }

    /// <summary>Partners nudge when the other has gone quiet: Oliver during Noah's lapse, Sofia when Ethan skips.</summary>
    private async Task NudgesAsync(int i, DateOnly date, CancellationToken ct)
    {
        if (i is >= 15 and <= 20)
        {
            await NudgeAsync(DemoCohort.Oliver, DemoCohort.Noah, date, "Ten minutes, that's all. You've got this.", ct);
        }

        if (!(checkedIn.GetValueOrDefault(date)?.Contains(DemoCohort.Ethan.Key) ?? false) && Roll("ethan-nudge", i) < 0.5 && i < Days - 1)
        {
            await NudgeAsync(DemoCohort.Sofia, DemoCohort.Ethan, date, "Coffee count today? 😉", ct);
        }
    }

    private async Task NudgeAsync(DemoPerson sender, DemoPerson receiver, DateOnly date, string message, CancellationToken ct)
    {
        var at = At(sender, date, 21);
        if (at >= now)
        {
            return;
        }

        await SociallyAsync(() => MemberAsync(sender, at, (m, g, t) => MemberDecisions.Decide(
            new SendNudge(Guid.NewGuid(), groupId, Id(receiver), Message: message), m, g, new ReceiverNudgeLoad(0, t.AddHours(12)), Id(sender), t), ct));
    }

    private async Task CelebrateAsync(IEnumerable<WinRecorded> wins, DemoPerson winner, DateTimeOffset at, CancellationToken ct)
    {
        foreach (var win in wins)
        {
            foreach (var fan in DemoCohort.Members.Where(m => m != winner && m != DemoCohort.Kai).Take(1 + (int)(Roll(win.WinId.ToString(), "fans") * 3)))
            {
                await KudosAsync(fan, win.WinId, winner, at.AddHours(1), ct);
            }

            if (win.Kind is WinKind.StreakMilestone or WinKind.GoalAchieved or WinKind.Comeback)
            {
                await CommentAsync(DemoCohort.Coach, win.WinId, winner, at.AddHours(4), win.Kind == WinKind.Comeback ? "Welcome back! That's what matters." : "Huge! 👏", ct);
            }
        }
    }

    private async Task KudosAsync(DemoPerson giver, Guid itemId, DemoPerson author, DateTimeOffset at, CancellationToken ct)
    {
        if (at < now)
        {
            await SociallyAsync(() => MemberAsync(giver, at, (m, g, t) => MemberDecisions.Decide(new GiveKudos(groupId, itemId, Id(author)), m, g, Id(giver), t), ct));
        }
    }

    private async Task CommentAsync(DemoPerson author, Guid itemId, DemoPerson itemAuthor, DateTimeOffset at, string text, CancellationToken ct)
    {
        if (at < now)
        {
            await SociallyAsync(() => MemberAsync(author, at, (m, g, t) => MemberDecisions.Decide(new PostComment(Guid.NewGuid(), groupId, itemId, Id(itemAuthor), text), m, g, Id(author), t), ct));
        }
    }

    /// <summary>Reactions are colour: one the rules refuse (kudos on one's own item, a spent nudge budget) is left out, never the story.</summary>
    private static async Task SociallyAsync(Func<Task> act)
    {
        try
        {
            await act();
        }
        catch (DomainException)
        {
        }
    }

    /// <summary>The day 80% of the members with a goal due (and not paused) checked in is a group win.</summary>
    private async Task GroupMilestoneAsync(DateOnly date, CancellationToken ct)
    {
        var at = At(DemoCohort.Coach, date, 23);
        if (at >= now)
        {
            return;
        }

        var counted = plans.Where(p => p.Start <= date).Select(p => p.Owner).Distinct()
            .Count(p => !(p == DemoCohort.Hana && date >= firstDay.AddDays(20) && date <= firstDay.AddDays(27)));
        var win = WinDetector.DetectGroupMilestone(groupId, date, counted, 0, checkedIn.GetValueOrDefault(date)?.Count ?? 0);
        if (win is not null)
        {
            await GroupAsync(DemoCohort.Coach, at, (g, t) => GroupDecisions.Decide(new RecordGroupWin(win), g, t), ct);
        }
    }

    private async Task GoalAsync(
        DemoPerson owner,
        string title,
        string? why,
        GoalMeasure measure,
        Cadence cadence,
        Func<int, DateOnly, Outcome?> day,
        string? reward = null,
        string? consequence = null,
        GoalVisibility visibility = GoalVisibility.Group,
        int startDay = 0,
        CancellationToken ct = default)
    {
        var goalId = Guid.NewGuid();
        var start = firstDay.AddDays(startDay);
        var plan = new GoalPlan(owner, goalId, title, start, visibility == GoalVisibility.Group, day);
        await GoalAsync(plan, owner, At(owner, start, 7, 30), (goal, g, m, t) =>
            GoalDecisions.Decide(new SetGoal(goalId, title, why, measure, cadence, start, null, reward, consequence, visibility), goal, g, m, Id(owner), t), ct);
        plans.Add(plan);
    }

    private async Task<Written<Goal>> GoalAsync(GoalPlan plan, DemoPerson actor, DateTimeOffset at, Func<Goal?, Group, Member?, DateTimeOffset, IReadOnlyList<object>> decide, CancellationToken ct)
    {
        var written = await writer.WriteGoalAsync(plan.GoalId, Actor(actor), new WriteOptions("demo", At: at), async (goal, t) =>
        {
            var group = await writer.LoadGroupAsync(groupId, ct);
            var owner = await writer.LoadMemberAsync(Id(plan.Owner), ct);
            return decide(goal, group!, owner, t);
        }, ct);
        events += written.Events.Count;
        return written;
    }

    private async Task GroupAsync(DemoPerson actor, DateTimeOffset at, Func<Group?, DateTimeOffset, IReadOnlyList<object>> decide, CancellationToken ct)
    {
        var written = await writer.WriteGroupAsync(groupId, Actor(actor), new WriteOptions("demo", At: at), decide, ct);
        events += written.Events.Count;
    }

    private async Task MemberAsync(DemoPerson actor, DateTimeOffset at, Func<Member?, Group, DateTimeOffset, IReadOnlyList<object>> decide, CancellationToken ct)
    {
        var written = await writer.WriteMemberAsync(Actor(actor), new WriteOptions("demo", At: at), async (member, t) =>
        {
            var group = await writer.LoadGroupAsync(groupId, ct);
            return decide(member, group!, t);
        }, ct);
        events += written.Events.Count;
    }

    private Task ZoneAsync(DemoPerson person, DateTimeOffset at, CancellationToken ct) =>
        MemberAsync(person, at, (m, g, t) => MemberDecisions.Decide(new ChangeTimeZone(person.TimeZone), m, Id(person), t), ct);

    /// <summary>The usual day: done with the person's reliability, sometimes an honest "not done" with a reason, else silence.</summary>
    private static Outcome? Usual(DemoPerson person, string habit, int i, DateOnly date)
    {
        var roll = Roll(person.Key, habit, i);
        if (roll < person.Reliability)
        {
            return new Outcome(true, Note: Roll(person.Key, habit, "note", i) < 0.3 ? Notes[(int)(Roll(person.Key, "which", i) * Notes.Length)] : null);
        }

        return roll < person.Reliability + 0.08 ? new Outcome(false, Note: MissNotes[(int)(Roll(person.Key, "miss", i) * MissNotes.Length)]) : null;
    }

    /// <summary>A number goal's outcome: the value decides done (the domain derives it from the target).</summary>
    private static Outcome? Number(Outcome? usual, int done, int missed) =>
        usual is null ? null : usual with { Done = null, Value = usual.Done == true ? done : missed };

    private int FirstOn(int from, params DayOfWeek[] days)
    {
        var i = from;
        while (!days.Contains(firstDay.AddDays(i).DayOfWeek))
        {
            i++;
        }

        return i;
    }

    /// <summary>Another member who was in the group that day and may react (not the author, not someone paused).</summary>
    private static DemoPerson? Other(DemoPerson author, int i, string why)
    {
        var candidates = DemoCohort.Members.Where(m => m != author && (m != DemoCohort.Kai || i >= 27)).ToList();
        return candidates.Count == 0 ? null : candidates[(int)(Roll(author.Key, why, "who", i) * candidates.Count)];
    }

    /// <summary>A number in [0, 1) from the parts' hash: the same story on every seed.</summary>
    private static double Roll(params object[] parts)
    {
        var bytes = DeterministicIds.From(parts.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture) ?? string.Empty).ToArray()).ToByteArray();
        return BitConverter.ToUInt32(bytes, 0) / (uint.MaxValue + 1.0);
    }

    private Guid Id(DemoPerson person) => ids[person.Key];

    private Actor Actor(DemoPerson person) => new(Id(person), person.TimeZone, "demo-seed");

    private DateOnly LocalToday(DemoPerson person) =>
        now.ToInstant().InZone(DateTimeZoneProviders.Tzdb[person.TimeZone]).Date.ToDateOnly();

    private static DateTimeOffset At(DemoPerson person, DateOnly date, int hour, int minute = 0) =>
        DateTimeZoneProviders.Tzdb[person.TimeZone]
            .AtLeniently(LocalDate.FromDateOnly(date).At(new LocalTime(hour, minute)))
            .ToDateTimeOffset()
            .ToUniversalTime();
}

internal static class InstantExtensions
{
    public static Instant ToInstant(this DateTimeOffset value) => Instant.FromDateTimeOffset(value);
}
