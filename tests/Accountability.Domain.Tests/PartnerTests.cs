using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.Domain.Partners;
using Accountability.Domain.Time;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Tests;

[Trait("Category", "Domain")]
public sealed class PartnerTests
{
    private static readonly DateTimeOffset Now = Utc(2025, 3, 3, 9);
    private static readonly Guid PairId = Id("pair");
    private static readonly Guid RequestId = Id("request");
    private static readonly PartnersPaired AliceAndBob = new(GroupId, PairId, Alice, Bob, null, Coach, Now.AddDays(-1));
    private static readonly ReceiverNudgeLoad Quiet = new(0, Utc(2025, 3, 4));

    private static Spec<Group> Cohort(params object[] more) => Spec.For<Group>(Group.Evolve).Given([.. World.Cohort(), .. more]);

    private static PartnerRequest Request(Guid requester, Guid target, DateTimeOffset? at = null, PartnerRequestStatus status = PartnerRequestStatus.Pending) =>
        new(RequestId, GroupId, requester, target, "Walk together?", at ?? Now, status);

    [Fact]
    public void Staff_pair_two_active_members()
    {
        Cohort().When(g => GroupDecisions.Decide(new AssignPartners(PairId, Alice, Bob), g, CoCoach, Now))
            .Then(new PartnersPaired(GroupId, PairId, Alice, Bob, null, CoCoach, Now));
        Cohort().When(g => GroupDecisions.Decide(new AssignPartners(PairId, Alice, Bob), g, Carol, Now)).ThenFails(ErrorKind.Forbidden, GroupRequiresStaff);
    }

    [Fact]
    public void Nobody_pairs_with_themselves_or_with_someone_inactive_or_twice()
    {
        Cohort().When(g => GroupDecisions.Decide(new AssignPartners(PairId, Alice, Alice), g, Coach, Now)).ThenFails(ErrorKind.Validation, PartnersSelfPairing);
        Cohort(new MemberLeft(GroupId, Bob, Now)).When(g => GroupDecisions.Decide(new AssignPartners(PairId, Alice, Bob), g, Coach, Now)).ThenFails(ErrorKind.Conflict, PartnersMemberNotActive);
        Cohort().When(g => GroupDecisions.Decide(new AssignPartners(PairId, Alice, Stranger), g, Coach, Now)).ThenFails(ErrorKind.Conflict, PartnersMemberNotActive);
        Cohort(AliceAndBob).When(g => GroupDecisions.Decide(new AssignPartners(Id("pair-2"), Bob, Alice), g, Coach, Now)).ThenFails(ErrorKind.Conflict, PartnersAlreadyPaired);
        Cohort(AliceAndBob).When(g => GroupDecisions.Decide(new AssignPartners(PairId, Alice, Bob), g, Coach, Now)).ThenNothing();
    }

    [Fact]
    public void A_member_has_at_most_three_partners()
    {
        var three = Cohort(
            new PartnersPaired(GroupId, Id("p1"), Alice, Bob, null, Coach, Now),
            new PartnersPaired(GroupId, Id("p2"), Alice, Carol, null, Coach, Now),
            new PartnersPaired(GroupId, Id("p3"), Alice, Dan, null, Coach, Now));
        three.When(g => GroupDecisions.Decide(new AssignPartners(PairId, CoCoach, Alice), g, Coach, Now)).ThenFails(ErrorKind.Conflict, PartnersLimitReached);
        three.When(g => GroupDecisions.Decide(new AssignPartners(PairId, Bob, Carol), g, Coach, Now)).Single<PartnersPaired>();
    }

    [Fact]
    public void A_member_asks_another_on_their_own_stream()
    {
        var group = GroupState();
        Spec.For<Member>(Member.Evolve).When(m => MemberDecisions.Decide(new RequestPartner(RequestId, GroupId, Bob, " Walk together? "), m, group, Alice, Now))
            .Then(new PartnerRequested(RequestId, GroupId, Alice, Bob, "Walk together?", Now));
        Spec.For<Member>(Member.Evolve).When(m => MemberDecisions.Decide(new RequestPartner(RequestId, GroupId, Alice), m, group, Alice, Now)).ThenFails(ErrorKind.Validation, PartnersSelfPairing);
        Spec.For<Member>(Member.Evolve).When(m => MemberDecisions.Decide(new RequestPartner(RequestId, GroupId, Bob, new string('m', 281)), m, group, Alice, Now)).ThenFails(ErrorKind.Validation, PartnersMessageTooLong);
    }

    [Fact]
    public void Asking_the_same_member_twice_while_the_first_ask_is_open_is_refused()
    {
        var group = GroupState();
        var asked = Spec.For<Member>(Member.Evolve).Given(new PartnerRequested(RequestId, GroupId, Alice, Bob, null, Now));
        asked.When(m => MemberDecisions.Decide(new RequestPartner(Id("again"), GroupId, Bob), m, group, Alice, Now)).ThenFails(ErrorKind.Conflict, PartnersRequestPending);
        asked.When(m => MemberDecisions.Decide(new RequestPartner(RequestId, GroupId, Bob), m, group, Alice, Now)).ThenNothing();
        asked.When(m => MemberDecisions.Decide(new RequestPartner(Id("later"), GroupId, Bob), m, group, Alice, Now.Add(PartnerRules.RequestLifetime))).Single<PartnerRequested>();
        var declinedGroup = GroupState([.. World.Cohort(), new PartnerRequestDeclined(GroupId, RequestId, Alice, Bob, Now)]);
        asked.When(m => MemberDecisions.Decide(new RequestPartner(Id("after-decline"), GroupId, Bob), m, declinedGroup, Alice, Now)).Single<PartnerRequested>();
    }

    [Fact]
    public void The_asked_member_accepts_and_the_pair_records_the_request()
    {
        Cohort().When(g => GroupDecisions.Decide(new AcceptPartnerRequest(RequestId, PairId), g, Request(Alice, Bob), Bob, Now))
            .Then(new PartnersPaired(GroupId, PairId, Alice, Bob, RequestId, Bob, Now));
    }

    [Fact]
    public void Only_the_asked_member_answers_and_only_an_open_request()
    {
        Cohort().When(g => GroupDecisions.Decide(new AcceptPartnerRequest(RequestId, PairId), g, Request(Alice, Bob), Carol, Now)).ThenFails(ErrorKind.Forbidden, PartnersNotRequestTarget);
        Cohort().When(g => GroupDecisions.Decide(new AcceptPartnerRequest(RequestId, PairId), g, null, Bob, Now)).ThenFails(ErrorKind.NotFound, PartnersRequestNotFound);
        Cohort().When(g => GroupDecisions.Decide(new AcceptPartnerRequest(RequestId, PairId), g, Request(Alice, Bob, status: PartnerRequestStatus.Withdrawn), Bob, Now)).ThenFails(ErrorKind.Conflict, PartnersRequestWithdrawn);
        Cohort().When(g => GroupDecisions.Decide(new AcceptPartnerRequest(RequestId, PairId), g, Request(Alice, Bob, Now.AddDays(-14)), Bob, Now)).ThenFails(ErrorKind.Conflict, PartnersRequestExpired);
    }

    [Fact]
    public void An_answer_is_given_once()
    {
        var accepted = Cohort(new PartnersPaired(GroupId, PairId, Alice, Bob, RequestId, Bob, Now));
        accepted.When(g => GroupDecisions.Decide(new AcceptPartnerRequest(RequestId, PairId), g, Request(Alice, Bob), Bob, Now)).ThenNothing();
        accepted.When(g => GroupDecisions.Decide(new DeclinePartnerRequest(RequestId), g, Request(Alice, Bob), Bob, Now)).ThenFails(ErrorKind.Conflict, PartnersRequestAlreadyAnswered);
        var declined = Cohort(new PartnerRequestDeclined(GroupId, RequestId, Alice, Bob, Now));
        declined.When(g => GroupDecisions.Decide(new DeclinePartnerRequest(RequestId), g, Request(Alice, Bob), Bob, Now)).ThenNothing();
        declined.When(g => GroupDecisions.Decide(new AcceptPartnerRequest(RequestId, PairId), g, Request(Alice, Bob), Bob, Now)).ThenFails(ErrorKind.Conflict, PartnersRequestAlreadyAnswered);
    }

    [Fact]
    public void Declining_is_recorded_for_both_to_see()
    {
        Cohort().When(g => GroupDecisions.Decide(new DeclinePartnerRequest(RequestId), g, Request(Alice, Bob), Bob, Now))
            .Then(new PartnerRequestDeclined(GroupId, RequestId, Alice, Bob, Now));
    }

    [Fact]
    public void Accepting_still_respects_the_pairing_rules()
    {
        var full = Cohort(
            new PartnersPaired(GroupId, Id("p1"), Bob, Carol, null, Coach, Now),
            new PartnersPaired(GroupId, Id("p2"), Bob, Dan, null, Coach, Now),
            new PartnersPaired(GroupId, Id("p3"), Bob, CoCoach, null, Coach, Now));
        full.When(g => GroupDecisions.Decide(new AcceptPartnerRequest(RequestId, PairId), g, Request(Alice, Bob), Bob, Now)).ThenFails(ErrorKind.Conflict, PartnersLimitReached);
    }

    [Fact]
    public void The_requester_withdraws_an_unanswered_request()
    {
        var group = GroupState();
        var asked = Spec.For<Member>(Member.Evolve).Given(new PartnerRequested(RequestId, GroupId, Alice, Bob, null, Now));
        asked.When(m => MemberDecisions.Decide(new WithdrawPartnerRequest(RequestId), m, group, Alice, Now))
            .Then(new PartnerRequestWithdrawn(RequestId, GroupId, Alice, Bob, Now));
        var answered = GroupState([.. World.Cohort(), new PartnerRequestDeclined(GroupId, RequestId, Alice, Bob, Now)]);
        asked.When(m => MemberDecisions.Decide(new WithdrawPartnerRequest(RequestId), m, answered, Alice, Now)).ThenFails(ErrorKind.Conflict, PartnersRequestAlreadyAnswered);
        Spec.For<Member>(Member.Evolve).When(m => MemberDecisions.Decide(new WithdrawPartnerRequest(RequestId), m, group, Alice, Now)).ThenFails(ErrorKind.NotFound, PartnersRequestNotFound);
    }

    [Fact]
    public void Either_partner_or_staff_ends_a_partnership()
    {
        Cohort(AliceAndBob).When(g => GroupDecisions.Decide(new EndPartnership(PairId), g, Bob, Now))
            .Then(new PartnersUnpaired(GroupId, PairId, Alice, Bob, PartnershipEndReason.EndedByMember, Bob, Now));
        Cohort(AliceAndBob).When(g => GroupDecisions.Decide(new EndPartnership(PairId), g, Coach, Now))
            .Then(new PartnersUnpaired(GroupId, PairId, Alice, Bob, PartnershipEndReason.EndedByCoach, Coach, Now));
        Cohort(AliceAndBob).When(g => GroupDecisions.Decide(new EndPartnership(PairId), g, Carol, Now)).ThenFails(ErrorKind.Forbidden, PartnersNotInPair);
        Cohort().When(g => GroupDecisions.Decide(new EndPartnership(PairId), g, Alice, Now)).ThenFails(ErrorKind.NotFound, PartnersPairNotFound);
    }

    [Fact]
    public void A_partner_nudges_and_the_sender_day_is_recorded()
    {
        var group = GroupState([.. World.Cohort(), AliceAndBob]);
        Spec.For<Member>(Member.Evolve).When(m => MemberDecisions.Decide(new SendNudge(Id("nudge"), GroupId, Bob, GoalId, " Walk time! "), m, group, Quiet, Alice, Now))
            .Then(new NudgeSent(Id("nudge"), GroupId, Alice, Bob, GoalId, "Walk time!", StartDate, Now));
    }

    [Fact]
    public void Only_partners_and_staff_nudge_and_never_themselves()
    {
        var group = GroupState([.. World.Cohort(), AliceAndBob]);
        Spec.For<Member>(Member.Evolve).When(m => MemberDecisions.Decide(new SendNudge(Id("n"), GroupId, Carol), m, group, Quiet, Alice, Now)).ThenFails(ErrorKind.Forbidden, NudgeNotPartner);
        Spec.For<Member>(Member.Evolve).When(m => MemberDecisions.Decide(new SendNudge(Id("n"), GroupId, Carol), m, group, Quiet, CoCoach, Now)).Single<NudgeSent>();
        Spec.For<Member>(Member.Evolve).When(m => MemberDecisions.Decide(new SendNudge(Id("n"), GroupId, Alice), m, group, Quiet, Alice, Now)).ThenFails(ErrorKind.Validation, NudgeSelf);
        Spec.For<Member>(Member.Evolve).When(m => MemberDecisions.Decide(new SendNudge(Id("n"), GroupId, Stranger), m, group, Quiet, Coach, Now)).ThenFails(ErrorKind.Conflict, NudgeReceiverNotActive);
        Spec.For<Member>(Member.Evolve).When(m => MemberDecisions.Decide(new SendNudge(Id("n"), GroupId, Bob, Message: new string('m', 281)), m, group, Quiet, Alice, Now)).ThenFails(ErrorKind.Validation, NudgeMessageTooLong);
    }

    [Fact]
    public void Three_nudges_a_day_to_the_same_partner_then_429_until_the_senders_midnight()
    {
        var group = GroupState([.. World.Cohort(), AliceAndBob]);
        var sent = Enumerable.Range(0, 3).Select(i => (object)new NudgeSent(Id($"n{i}"), GroupId, Alice, Bob, null, null, StartDate, Now)).ToArray();
        var alice = Spec.For<Member>(Member.Evolve).Given(sent);
        var error = alice.When(m => MemberDecisions.Decide(new SendNudge(Id("n4"), GroupId, Bob), m, group, Quiet, Alice, Now)).ThenFails(ErrorKind.TooManyRequests, NudgePairBudgetSpent);
        Assert.Equal(Utc(2025, 3, 4), error.RetryAt);
        alice.When(m => MemberDecisions.Decide(new SendNudge(Id("n4"), GroupId, Bob), m, group, Quiet, Alice, Utc(2025, 3, 4, 0, 1))).Single<NudgeSent>();
        alice.When(m => MemberDecisions.Decide(new SendNudge(Id("n0"), GroupId, Bob), m, group, Quiet, Alice, Now)).ThenNothing();
        alice.When(m => MemberDecisions.Decide(new SendNudge(Id("n0"), GroupId, Carol), m, group, Quiet, Alice, Now)).ThenFails(ErrorKind.Conflict, NudgeIdReused);
    }

    [Fact]
    public void A_member_receives_at_most_ten_nudges_a_day_from_everyone()
    {
        var group = GroupState([.. World.Cohort(), AliceAndBob]);
        var error = Spec.For<Member>(Member.Evolve)
            .When(m => MemberDecisions.Decide(new SendNudge(Id("n"), GroupId, Bob), m, group, new ReceiverNudgeLoad(10, Utc(2025, 3, 4, 5)), Alice, Now))
            .ThenFails(ErrorKind.TooManyRequests, NudgeReceiverBudgetSpent);
        Assert.Equal(Utc(2025, 3, 4, 5), error.RetryAt);
    }

    [Fact]
    public void The_nudge_budget_is_a_pure_function_of_counts()
    {
        var senderReset = Utc(2025, 3, 4);
        var receiverReset = Utc(2025, 3, 4, 8);
        Assert.Null(NudgeBudget.Check(2, 9, senderReset, receiverReset));
        Assert.Equal(NudgePairBudgetSpent, NudgeBudget.Check(3, 0, senderReset, receiverReset)!.Code);
        Assert.Equal(NudgeReceiverBudgetSpent, NudgeBudget.Check(0, 10, senderReset, receiverReset)!.Code);
        Assert.Equal(1, NudgeBudget.RemainingForPair(2));
        Assert.Equal(0, NudgeBudget.RemainingForReceiver(12));
    }

    [Fact]
    public void Old_nudges_are_forgotten_by_the_member_state()
    {
        var member = MemberState(
            new NudgeSent(Id("old"), GroupId, Alice, Bob, null, null, StartDate, Now),
            new NudgeSent(Id("new"), GroupId, Alice, Bob, null, null, StartDate.AddDays(3), Now.AddDays(3)))!;
        Assert.Equal([Id("new")], member.RecentNudges.Select(n => n.NudgeId));
    }

    [Fact]
    public void The_pair_streak_counts_days_both_checked_in_on_their_own_local_date()
    {
        var london = DayClock.ForZone("Europe/London");
        var tokyo = DayClock.ForZone("Asia/Tokyo");
        var alice = new PairSide(Alice, london, Dates(0, 1, 2, 3), []);
        var bob = new PairSide(Bob, tokyo, Dates(0, 1, 3), []);
        var streak = PairStreakCalculator.Compute(alice, bob, Utc(2025, 3, 2, 12), Utc(2025, 3, 7, 13));
        Assert.Equal(1, streak.Current);
        Assert.Equal(2, streak.Best);
        Assert.Equal(StartDate.AddDays(3), streak.CurrentSince);
    }

    [Fact]
    public void A_pair_day_still_open_for_the_waiting_partner_can_be_saved_until_their_close()
    {
        var alice = new PairSide(Alice, DayClock.ForZone("Europe/London"), Dates(0, 1), []);
        var bob = new PairSide(Bob, DayClock.ForZone("America/New_York"), Dates(0), []);
        var streak = PairStreakCalculator.Compute(alice, bob, Utc(2025, 3, 2, 12), Utc(2025, 3, 4, 23));
        Assert.Equal(1, streak.Current);
        Assert.Equal(StartDate.AddDays(1), streak.AtRiskDate);
        Assert.Equal(Bob, streak.WaitingFor);
        Assert.Equal(Utc(2025, 3, 5, 17), streak.SaveBy);
        var lost = PairStreakCalculator.Compute(alice, bob, Utc(2025, 3, 2, 12), Utc(2025, 3, 5, 17));
        Assert.Equal(0, lost.Current);
    }

    [Fact]
    public void A_pause_of_either_partner_is_neutral_for_the_pair()
    {
        var pause = new Pause(Id("pause"), StartDate.AddDays(1), StartDate.AddDays(1), PauseReason.Illness, null, Now);
        var alice = new PairSide(Alice, DayClock.ForZone("Europe/London"), Dates(0, 2), [pause]);
        var bob = new PairSide(Bob, DayClock.ForZone("Europe/London"), Dates(0, 1, 2), []);
        Assert.Equal(2, PairStreakCalculator.Compute(alice, bob, Utc(2025, 3, 2, 12), Utc(2025, 3, 6, 13)).Current);
    }

    [Fact]
    public void A_pair_side_is_built_from_the_members_done_check_ins()
    {
        var goal = GoalState(DailyGoal(), Posted(StartDate), Posted(StartDate.AddDays(1), done: false));
        var side = PairSide.From(Alice, DayClock.ForZone("Europe/London"), [goal], [], Utc(2025, 3, 10));
        Assert.Equal([StartDate], side.DoneDates);
    }

    private static HashSet<DateOnly> Dates(params int[] offsets) => offsets.Select(o => StartDate.AddDays(o)).ToHashSet();

    [Fact]
    public void A_request_id_names_one_request_only()
    {
        var asked = Spec.For<Member>(Member.Evolve).Given(new PartnerRequested(RequestId, GroupId, Alice, Bob, null, Now));
        asked.When(m => MemberDecisions.Decide(new RequestPartner(RequestId, GroupId, Carol), m, GroupState(), Alice, Now)).ThenFails(ErrorKind.Conflict, PartnersRequestIdReused);
    }
}
