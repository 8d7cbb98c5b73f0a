using Accountability.Domain.Groups;
using Accountability.Domain.Leaderboards;
using Accountability.Domain.Time;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Tests;

[Trait("Category", "Domain")]
public sealed class GroupTests
{
    private static readonly DateTimeOffset Now = Start;

    private static Spec<Group> Cohort() => Spec.For<Group>(Group.Evolve).Given(World.Cohort());

    [Fact]
    public void A_coach_creates_a_group_with_the_defaults_grace_until_noon_and_aggregate_numbers()
    {
        Spec.For<Group>(Group.Evolve)
            .When(state => GroupDecisions.Decide(new CreateGroup(GroupId, "  Spring cohort ", null, "Pacific/Auckland"), state, Coach, Now))
            .Then(new GroupCreated(GroupId, Coach, "Spring cohort", "", "Pacific/Auckland", [], 720, NumbersVisibility.AggregateOnly, new LeaderboardRule(1, LeaderboardBasis.Consistency, 3), Now));
    }

    [Fact]
    public void The_creator_is_the_coach_and_first_active_member()
    {
        var group = GroupState(Created());
        var coach = group.MembershipOf(Coach)!;
        Assert.Equal(GroupRole.Coach, coach.Role);
        Assert.True(coach.IsActive);
        Assert.Single(group.Roster);
    }

    [Fact]
    public void Creating_a_group_reports_every_invalid_field_at_once()
    {
        var tooManyPrompts = Enumerable.Range(0, 11).Select(i => new CheckInPrompt(Id($"p{i}"), "Q")).ToList();
        var error = Spec.For<Group>(Group.Evolve)
            .When(state => GroupDecisions.Decide(new CreateGroup(GroupId, " ", new string('d', 2001), "Mars/Olympus", tooManyPrompts, 1441, (NumbersVisibility)9, (LeaderboardBasis)7, 29), state, Coach, Now));
        var exception = Record.Exception(() => error.Events);
        Assert.NotNull(exception);
        foreach (var code in new[] { GroupNameRequired, GroupDescriptionTooLong, GroupTimeZoneUnknown, GroupTooManyPrompts, GroupGraceOutOfRange, GroupNumbersVisibilityUnknown, LeaderboardBasisUnknown, LeaderboardMinimumOutOfRange })
        {
            error.ThenFails(ErrorKind.Validation, code);
        }

        Assert.Equal("timeZoneId", error.ThenFails(ErrorKind.Validation, GroupTimeZoneUnknown).Field);
    }

    [Theory]
    [InlineData(100, null)]
    [InlineData(101, GroupNameTooLong)]
    public void A_group_name_has_at_most_100_characters(int length, string? expectedCode)
    {
        var outcome = Spec.For<Group>(Group.Evolve).When(state => GroupDecisions.Decide(new CreateGroup(GroupId, new string('n', length), null, "UTC"), state, Coach, Now));
        if (expectedCode is null)
        {
            Assert.Equal(length, outcome.Single<GroupCreated>().Name.Length);
        }
        else
        {
            outcome.ThenFails(ErrorKind.Validation, expectedCode);
        }
    }

    [Fact]
    public void Prompts_need_text_of_at_most_200_characters_and_distinct_ids()
    {
        var prompts = new[] { new CheckInPrompt(PromptNext, ""), new CheckInPrompt(PromptNext, "Again"), new CheckInPrompt(PromptWhatWorked, new string('q', 201)) };
        var outcome = Spec.For<Group>(Group.Evolve).When(state => GroupDecisions.Decide(new CreateGroup(GroupId, "G", null, "UTC", prompts), state, Coach, Now));
        Assert.Equal("prompts[0].text", outcome.ThenFails(ErrorKind.Validation, GroupPromptTextRequired).Field);
        Assert.Equal("prompts[1].promptId", outcome.ThenFails(ErrorKind.Validation, GroupPromptIdInvalid).Field);
        Assert.Equal("prompts[2].text", outcome.ThenFails(ErrorKind.Validation, GroupPromptTooLong).Field);
    }

    [Fact]
    public void Creating_the_same_group_again_is_a_harmless_retry()
    {
        Spec.For<Group>(Group.Evolve).Given(Created())
            .When(state => GroupDecisions.Decide(new CreateGroup(GroupId, "Spring cohort", null, "UTC"), state, Coach, Now))
            .ThenNothing();
    }

    [Fact]
    public void Another_coach_cannot_take_an_existing_group_id()
    {
        Spec.For<Group>(Group.Evolve).Given(Created())
            .When(state => GroupDecisions.Decide(new CreateGroup(GroupId, "Mine now", null, "UTC"), state, Stranger, Now))
            .ThenFails(ErrorKind.Conflict, GroupAlreadyExists);
    }

    [Fact]
    public void Changing_settings_records_only_what_changed()
    {
        Cohort()
            .When(state => GroupDecisions.Decide(new ChangeGroupSettings(Name: "Spring cohort", TimeZoneId: "America/New_York", GraceMinutes: 360), state, Coach, Now))
            .Then(
                new GroupTimeZoneChanged(GroupId, "America/New_York", "Europe/London", Coach, Now),
                new GraceRuleChanged(GroupId, 360, Coach, Now));
    }

    [Fact]
    public void Changing_settings_to_what_they_are_records_nothing()
    {
        Cohort()
            .When(state => GroupDecisions.Decide(new ChangeGroupSettings("Spring cohort", "Ten weeks of small daily wins.", "Europe/London", null, 720, NumbersVisibility.AggregateOnly), state, Coach, Now))
            .ThenNothing();
    }

    [Fact]
    public void New_prompts_and_numbers_visibility_are_recorded()
    {
        var prompts = new[] { new CheckInPrompt(PromptNext, "What will you do tomorrow?") };
        Cohort()
            .When(state => GroupDecisions.Decide(new ChangeGroupSettings(Description: "New text", Prompts: prompts, NumbersVisibility: NumbersVisibility.Individual), state, Coach, Now))
            .Then(
                new GroupDetailsChanged(GroupId, "Spring cohort", "New text", Coach, Now),
                new CheckInPromptsChanged(GroupId, prompts, Coach, Now),
                new NumbersVisibilityChanged(GroupId, NumbersVisibility.Individual, Coach, Now));
    }

    [Fact]
    public void Only_the_coach_changes_settings_not_a_co_coach()
    {
        Cohort()
            .When(state => GroupDecisions.Decide(new ChangeGroupSettings(Name: "Ours"), state, CoCoach, Now))
            .ThenFails(ErrorKind.Forbidden, GroupRequiresCoach);
    }

    [Fact]
    public void An_unknown_zone_is_refused_when_changing_settings()
    {
        Cohort()
            .When(state => GroupDecisions.Decide(new ChangeGroupSettings(TimeZoneId: "Europe/Atlantis"), state, Coach, Now))
            .ThenFails(ErrorKind.Validation, GroupTimeZoneUnknown);
    }

    [Fact]
    public void Settings_of_a_group_that_does_not_exist_are_not_found()
    {
        Spec.For<Group>(Group.Evolve)
            .When(state => GroupDecisions.Decide(new ChangeGroupSettings(Name: "x"), state, Coach, Now))
            .ThenFails(ErrorKind.NotFound, GroupNotFound);
    }

    [Fact]
    public void A_leaderboard_rule_change_is_a_new_version()
    {
        var spec = Cohort();
        spec.When(state => GroupDecisions.Decide(new ChangeLeaderboardRule(LeaderboardBasis.DoneCount, 5), state, Coach, Now))
            .Then(new LeaderboardRuleChanged(GroupId, 2, LeaderboardBasis.DoneCount, 5, Coach, Now));
        spec.Given(new LeaderboardRuleChanged(GroupId, 2, LeaderboardBasis.DoneCount, 5, Coach, Now));
        Assert.Equal(new LeaderboardRule(1, LeaderboardBasis.Consistency, 3), spec.State!.LeaderboardRuleAt(Now.AddSeconds(-1)));
        Assert.Equal(new LeaderboardRule(2, LeaderboardBasis.DoneCount, 5), spec.State!.LeaderboardRuleAt(Now));
        spec.When(state => GroupDecisions.Decide(new ChangeLeaderboardRule(LeaderboardBasis.DoneCount, 5), state, Coach, Now)).ThenNothing();
    }

    [Fact]
    public void Staff_issue_an_invite_code_normalised_to_upper_case()
    {
        Cohort()
            .When(state => GroupDecisions.Decide(new IssueInviteCode("abcd-efgh"), state, CoCoach, Now))
            .Then(new InviteCodeIssued(GroupId, "ABCDEFGH", null, CoCoach, Now));
    }

    [Theory]
    [InlineData("ABCD-EFG")]
    [InlineData("ABCD-EFGI")]
    [InlineData("0BCDEFGH")]
    public void A_malformed_invite_code_is_refused(string code)
    {
        Cohort().When(state => GroupDecisions.Decide(new IssueInviteCode(code), state, Coach, Now)).ThenFails(ErrorKind.Validation, InviteCodeMalformed);
    }

    [Fact]
    public void An_invite_must_live_between_an_hour_and_ninety_days()
    {
        Cohort().When(state => GroupDecisions.Decide(new IssueInviteCode("ABCDEFGH", Now.AddMinutes(30)), state, Coach, Now)).ThenFails(ErrorKind.Validation, InviteExpiryOutOfRange);
        Cohort().When(state => GroupDecisions.Decide(new IssueInviteCode("ABCDEFGH", Now.AddDays(91)), state, Coach, Now)).ThenFails(ErrorKind.Validation, InviteExpiryOutOfRange);
    }

    [Fact]
    public void Members_cannot_issue_invite_codes()
    {
        Cohort().When(state => GroupDecisions.Decide(new IssueInviteCode("ABCDEFGH"), state, Alice, Now)).ThenFails(ErrorKind.Forbidden, GroupRequiresStaff);
    }

    [Fact]
    public void Invite_codes_from_random_bytes_use_only_unambiguous_characters()
    {
        var code = InviteCodes.Generate([0, 1, 2, 29, 30, 255, 128, 64]);
        Assert.Equal("ABC9ASJE", code);
        Assert.True(InviteCodes.IsWellFormed(code));
        Assert.Equal("ABC9-ASJE", InviteCodes.Display(code));
        Assert.Throws<ArgumentException>(() => InviteCodes.Generate([1, 2, 3]));
    }

    [Fact]
    public void Someone_joins_with_the_current_code_in_any_case_and_spacing()
    {
        Cohort().Given(new InviteCodeIssued(GroupId, "ABCDEFGH", null, Coach, Now))
            .When(state => GroupDecisions.Decide(new JoinGroup(" abcd efgh "), state, Stranger, Now))
            .Then(new MemberJoined(GroupId, Stranger, Now));
    }

    [Fact]
    public void A_rotated_code_no_longer_opens_the_group()
    {
        Cohort().Given(new InviteCodeIssued(GroupId, "ABCDEFGH", null, Coach, Now), new InviteCodeIssued(GroupId, "HJKMNPQR", null, Coach, Now))
            .When(state => GroupDecisions.Decide(new JoinGroup("ABCDEFGH"), state, Stranger, Now))
            .ThenFails(ErrorKind.NotFound, InviteCodeInvalid);
    }

    [Fact]
    public void A_revoked_code_no_longer_opens_the_group()
    {
        Cohort().Given(new InviteCodeIssued(GroupId, "ABCDEFGH", null, Coach, Now), new InviteCodeRevoked(GroupId, Coach, Now))
            .When(state => GroupDecisions.Decide(new JoinGroup("ABCDEFGH"), state, Stranger, Now))
            .ThenFails(ErrorKind.NotFound, InviteCodeInvalid);
    }

    [Fact]
    public void An_expired_code_says_when_it_expired()
    {
        var error = Cohort().Given(new InviteCodeIssued(GroupId, "ABCDEFGH", Now.AddHours(2), Coach, Now))
            .When(state => GroupDecisions.Decide(new JoinGroup("ABCDEFGH"), state, Stranger, Now.AddHours(2)))
            .ThenFails(ErrorKind.Validation, InviteCodeExpired);
        Assert.Contains("2025-03-03 11:00:00Z", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Joining_twice_is_a_harmless_retry()
    {
        Cohort().Given(new InviteCodeIssued(GroupId, "ABCDEFGH", null, Coach, Now))
            .When(state => GroupDecisions.Decide(new JoinGroup("ABCDEFGH"), state, Alice, Now))
            .ThenNothing();
    }

    [Fact]
    public void A_removed_member_cannot_rejoin_with_a_code()
    {
        Cohort().Given(new InviteCodeIssued(GroupId, "ABCDEFGH", null, Coach, Now), new MemberRemoved(GroupId, Alice, "Spam", Coach, Now))
            .When(state => GroupDecisions.Decide(new JoinGroup("ABCDEFGH"), state, Alice, Now))
            .ThenFails(ErrorKind.Forbidden, GroupMemberRemoved);
    }

    [Fact]
    public void A_member_who_left_may_join_again()
    {
        Cohort().Given(new InviteCodeIssued(GroupId, "ABCDEFGH", null, Coach, Now), new MemberLeft(GroupId, Alice, Now))
            .When(state => GroupDecisions.Decide(new JoinGroup("ABCDEFGH"), state, Alice, Now.AddDays(1)))
            .Then(new MemberJoined(GroupId, Alice, Now.AddDays(1)));
    }

    [Fact]
    public void A_full_group_refuses_newcomers()
    {
        var events = new List<object> { Created(), new InviteCodeIssued(GroupId, "ABCDEFGH", null, Coach, Now) };
        events.AddRange(Enumerable.Range(1, GroupDecisions.MaxActiveMembers - 1).Select(i => new MemberJoined(GroupId, Id($"m{i}"), Now)));
        Spec.For<Group>(Group.Evolve).Given([.. events])
            .When(state => GroupDecisions.Decide(new JoinGroup("ABCDEFGH"), state, Stranger, Now))
            .ThenFails(ErrorKind.Conflict, GroupFull);
    }

    [Fact]
    public void Leaving_ends_the_members_partnerships()
    {
        var pair = Id("pair");
        Cohort().Given(new PartnersPaired(GroupId, pair, Alice, Bob, null, Coach, Now))
            .When(state => GroupDecisions.Decide(new LeaveGroup(), state, Alice, Now))
            .Then(new MemberLeft(GroupId, Alice, Now), new PartnersUnpaired(GroupId, pair, Alice, Bob, PartnershipEndReason.MemberLeft, Alice, Now));
    }

    [Fact]
    public void The_coach_cannot_leave_without_handing_over()
    {
        Cohort().When(state => GroupDecisions.Decide(new LeaveGroup(), state, Coach, Now)).ThenFails(ErrorKind.Conflict, GroupCoachCannotLeave);
    }

    [Fact]
    public void Leaving_twice_records_nothing_and_a_stranger_cannot_leave()
    {
        Cohort().Given(new MemberLeft(GroupId, Alice, Now)).When(state => GroupDecisions.Decide(new LeaveGroup(), state, Alice, Now)).ThenNothing();
        Cohort().When(state => GroupDecisions.Decide(new LeaveGroup(), state, Stranger, Now)).ThenFails(ErrorKind.Forbidden, GroupNotAMember);
    }

    [Fact]
    public void A_co_coach_removes_a_member_with_a_reason_and_their_pairs_end()
    {
        var pair = Id("pair");
        Cohort().Given(new PartnersPaired(GroupId, pair, Bob, Alice, null, Coach, Now))
            .When(state => GroupDecisions.Decide(new RemoveMember(Alice, " Repeated harassment "), state, CoCoach, Now))
            .Then(
                new MemberRemoved(GroupId, Alice, "Repeated harassment", CoCoach, Now),
                new PartnersUnpaired(GroupId, pair, Bob, Alice, PartnershipEndReason.MemberRemoved, CoCoach, Now));
    }

    [Fact]
    public void Removing_needs_a_reason()
    {
        Cohort().When(state => GroupDecisions.Decide(new RemoveMember(Alice, ""), state, Coach, Now)).ThenFails(ErrorKind.Validation, ModerationReasonRequired);
    }

    [Fact]
    public void Only_the_coach_removes_a_co_coach()
    {
        var withSecondCoCoach = Cohort().Given(new CoCoachAssigned(GroupId, Bob, Coach, Now));
        withSecondCoCoach.When(state => GroupDecisions.Decide(new RemoveMember(CoCoach, "Conflict"), state, Bob, Now)).ThenFails(ErrorKind.Forbidden, GroupOnlyCoachModeratesCoCoach);
        withSecondCoCoach.When(state => GroupDecisions.Decide(new RemoveMember(CoCoach, "Conflict"), state, Coach, Now)).Single<MemberRemoved>();
    }

    [Fact]
    public void Nobody_removes_the_coach_or_themselves_and_members_remove_nobody()
    {
        Cohort().When(state => GroupDecisions.Decide(new RemoveMember(Coach, "Coup"), state, CoCoach, Now)).ThenFails(ErrorKind.Forbidden, GroupCannotModerateCoach);
        Cohort().When(state => GroupDecisions.Decide(new RemoveMember(CoCoach, "Me"), state, CoCoach, Now)).ThenFails(ErrorKind.Validation, GroupCannotTargetSelf);
        Cohort().When(state => GroupDecisions.Decide(new RemoveMember(Bob, "Annoying"), state, Alice, Now)).ThenFails(ErrorKind.Forbidden, GroupRequiresStaff);
        Cohort().When(state => GroupDecisions.Decide(new RemoveMember(Stranger, "Who"), state, Coach, Now)).ThenFails(ErrorKind.NotFound, GroupMemberNotFound);
    }

    [Fact]
    public void A_removed_member_can_do_nothing_in_the_group()
    {
        var removed = Cohort().Given(new MemberRemoved(GroupId, Alice, "Spam", Coach, Now));
        removed.When(state => GroupDecisions.Decide(new OptOutOfLeaderboard(), state, Alice, Now)).ThenFails(ErrorKind.Forbidden, GroupMemberRemoved);
        removed.When(state => GroupDecisions.Decide(new LeaveGroup(), state, Alice, Now)).ThenFails(ErrorKind.Forbidden, GroupMemberRemoved);
    }

    [Fact]
    public void The_coach_reinstates_a_removed_member_as_a_plain_member()
    {
        var spec = Cohort().Given(new MemberRemoved(GroupId, Alice, "Mistake", Coach, Now));
        spec.When(state => GroupDecisions.Decide(new ReinstateMember(Alice), state, Coach, Now)).Then(new MemberReinstated(GroupId, Alice, Coach, Now));
        Cohort().When(state => GroupDecisions.Decide(new ReinstateMember(Alice), state, Coach, Now)).ThenFails(ErrorKind.Conflict, GroupMemberNotRemoved);
        spec.When(state => GroupDecisions.Decide(new ReinstateMember(Alice), state, CoCoach, Now)).ThenFails(ErrorKind.Forbidden, GroupRequiresCoach);
    }

    [Fact]
    public void The_coach_assigns_and_unassigns_co_coaches()
    {
        Cohort().When(state => GroupDecisions.Decide(new AssignCoCoach(Alice), state, Coach, Now)).Then(new CoCoachAssigned(GroupId, Alice, Coach, Now));
        Cohort().When(state => GroupDecisions.Decide(new AssignCoCoach(CoCoach), state, Coach, Now)).ThenNothing();
        Cohort().When(state => GroupDecisions.Decide(new UnassignCoCoach(CoCoach), state, Coach, Now)).Then(new CoCoachUnassigned(GroupId, CoCoach, Coach, Now));
        Cohort().When(state => GroupDecisions.Decide(new UnassignCoCoach(Alice), state, Coach, Now)).ThenNothing();
    }

    [Fact]
    public void A_co_coach_cannot_appoint_co_coaches_nor_promote_someone_who_left()
    {
        Cohort().When(state => GroupDecisions.Decide(new AssignCoCoach(Alice), state, CoCoach, Now)).ThenFails(ErrorKind.Forbidden, GroupRequiresCoach);
        Cohort().Given(new MemberLeft(GroupId, Alice, Now)).When(state => GroupDecisions.Decide(new AssignCoCoach(Alice), state, Coach, Now)).ThenFails(ErrorKind.Conflict, GroupMemberNotActive);
    }

    [Fact]
    public void A_group_has_at_most_ten_co_coaches()
    {
        var events = new List<object>(World.Cohort());
        for (var i = 0; i < 9; i++)
        {
            events.Add(new MemberJoined(GroupId, Id($"cc{i}"), Now));
            events.Add(new CoCoachAssigned(GroupId, Id($"cc{i}"), Coach, Now));
        }

        Spec.For<Group>(Group.Evolve).Given([.. events])
            .When(state => GroupDecisions.Decide(new AssignCoCoach(Alice), state, Coach, Now))
            .ThenFails(ErrorKind.Conflict, GroupTooManyCoCoaches);
    }

    [Fact]
    public void Handing_over_makes_the_old_coach_a_co_coach()
    {
        var spec = Cohort();
        spec.When(state => GroupDecisions.Decide(new HandOverCoaching(Alice), state, Coach, Now)).Then(new CoachHandedOver(GroupId, Coach, Alice, Now));
        spec.Given(new CoachHandedOver(GroupId, Coach, Alice, Now));
        Assert.Equal(Alice, spec.State!.CoachId);
        Assert.Equal(GroupRole.Coach, spec.State.MembershipOf(Alice)!.Role);
        Assert.Equal(GroupRole.CoCoach, spec.State.MembershipOf(Coach)!.Role);
    }

    [Fact]
    public void Staff_post_announcements_and_a_retry_posts_nothing_new()
    {
        var id = Id("announcement");
        var spec = Cohort();
        spec.When(state => GroupDecisions.Decide(new PostAnnouncement(id, " Week 2 starts! "), state, CoCoach, Now)).Then(new AnnouncementPosted(GroupId, id, "Week 2 starts!", CoCoach, Now));
        spec.Given(new AnnouncementPosted(GroupId, id, "Week 2 starts!", CoCoach, Now));
        spec.When(state => GroupDecisions.Decide(new PostAnnouncement(id, "Week 2 starts!"), state, CoCoach, Now)).ThenNothing();
        Cohort().When(state => GroupDecisions.Decide(new PostAnnouncement(id, "Me too"), state, Alice, Now)).ThenFails(ErrorKind.Forbidden, GroupRequiresStaff);
        Cohort().When(state => GroupDecisions.Decide(new PostAnnouncement(id, new string('a', 2001)), state, Coach, Now)).ThenFails(ErrorKind.Validation, FeedAnnouncementTooLong);
    }

    [Fact]
    public void Members_opt_out_of_and_back_into_the_leaderboard()
    {
        var spec = Cohort();
        spec.When(state => GroupDecisions.Decide(new OptOutOfLeaderboard(), state, Alice, Now)).Then(new LeaderboardOptedOut(GroupId, Alice, Now));
        spec.Given(new LeaderboardOptedOut(GroupId, Alice, Now));
        Assert.True(spec.State!.MembershipOf(Alice)!.RankOptedOut);
        spec.When(state => GroupDecisions.Decide(new OptOutOfLeaderboard(), state, Alice, Now)).ThenNothing();
        spec.When(state => GroupDecisions.Decide(new OptIntoLeaderboard(), state, Alice, Now)).Then(new LeaderboardOptedIn(GroupId, Alice, Now));
    }

    [Fact]
    public void A_grace_change_applies_to_days_that_start_after_it()
    {
        var group = GroupState([.. World.Cohort(), new GraceRuleChanged(GroupId, 0, Coach, Utc(2025, 3, 3, 12))]);
        var clock = DayClock.For(group, null);
        Assert.Equal(Utc(2025, 3, 4, 12), clock.ClosesAt(new DateOnly(2025, 3, 3)));
        Assert.Equal(Utc(2025, 3, 5), clock.ClosesAt(new DateOnly(2025, 3, 4)));
    }

    [Fact]
    public void An_announcement_needs_text_and_a_removal_reason_has_at_most_500_characters()
    {
        Cohort().When(state => GroupDecisions.Decide(new PostAnnouncement(Id("a"), "  "), state, Coach, Now)).ThenFails(ErrorKind.Validation, FeedAnnouncementTextRequired);
        Cohort().When(state => GroupDecisions.Decide(new RemoveMember(Alice, new string('r', 501)), state, Coach, Now)).ThenFails(ErrorKind.Validation, ModerationReasonTooLong);
    }
}
