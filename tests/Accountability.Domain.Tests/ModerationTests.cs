using Accountability.Domain.Feed;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Tests;

/// <summary>Kudos, comments and reports (on members' own streams) and staff moderation (on the group stream).</summary>
[Trait("Category", "Domain")]
public sealed class ModerationTests
{
    private static readonly DateTimeOffset Now = Start;
    private static readonly Guid Item = Id("item");
    private static readonly Guid CommentId = Id("comment");
    private static readonly MemberMuted BobMuted = new(GroupId, Bob, Now.AddHours(2), "Cool off", Coach, Now.AddMinutes(-1));

    private static Group With(params object[] more) => GroupState([.. World.Cohort(), .. more]);

    private static Spec<Member> Bob_(params object[] events) => Spec.For<Member>(Member.Evolve).Given(events);

    [Fact]
    public void A_member_gives_kudos_once_per_item()
    {
        Bob_().When(m => MemberDecisions.Decide(new GiveKudos(GroupId, Item, Alice), m, With(), Bob, Now)).Then(new KudosGiven(GroupId, Item, Alice, Bob, Now));
        Bob_(new KudosGiven(GroupId, Item, Alice, Bob, Now)).When(m => MemberDecisions.Decide(new GiveKudos(GroupId, Item, Alice), m, With(), Bob, Now)).ThenNothing();
        Bob_(new KudosGiven(GroupId, Item, Alice, Bob, Now)).When(m => MemberDecisions.Decide(new WithdrawKudos(GroupId, Item, Alice), m, With(), Bob, Now)).Then(new KudosWithdrawn(GroupId, Item, Alice, Bob, Now));
        Bob_().When(m => MemberDecisions.Decide(new WithdrawKudos(GroupId, Item, Alice), m, With(), Bob, Now)).ThenNothing();
    }

    [Fact]
    public void Kudos_are_for_others_visible_items_only()
    {
        Bob_().When(m => MemberDecisions.Decide(new GiveKudos(GroupId, Item, Bob), m, With(), Bob, Now)).ThenFails(ErrorKind.Validation, KudosOwnItem);
        Bob_().When(m => MemberDecisions.Decide(new GiveKudos(GroupId, Item, Alice), m, With(new FeedItemHidden(GroupId, Item, "Spam", Coach, Now)), Bob, Now)).ThenFails(ErrorKind.NotFound, FeedItemWasHidden);
        Bob_().When(m => MemberDecisions.Decide(new GiveKudos(Id("other-group"), Item, Alice), m, With(), Bob, Now)).ThenFails(ErrorKind.NotFound, GroupNotFound);
    }

    [Fact]
    public void Muted_members_cannot_comment_give_kudos_or_announce_until_the_mute_ends()
    {
        var group = With(BobMuted);
        var error = Bob_().When(m => MemberDecisions.Decide(new PostComment(CommentId, GroupId, Item, Alice, "Hey"), m, group, Bob, Now)).ThenFails(ErrorKind.Forbidden, ModerationMemberMuted);
        Assert.Contains("2025-03-03 11:00:00Z", error.Detail, StringComparison.Ordinal);
        Bob_().When(m => MemberDecisions.Decide(new GiveKudos(GroupId, Item, Alice), m, group, Bob, Now)).ThenFails(ErrorKind.Forbidden, ModerationMemberMuted);
        Bob_().When(m => MemberDecisions.Decide(new PostComment(CommentId, GroupId, Item, Alice, "Hey"), m, group, Bob, Now.AddHours(2))).Single<CommentPosted>();

        var mutedCoCoach = With(new MemberMuted(GroupId, CoCoach, Now.AddDays(1), "Tone", Coach, Now));
        Spec.For<Group>(Group.Evolve).Given([.. World.Cohort(), new MemberMuted(GroupId, CoCoach, Now.AddDays(1), "Tone", Coach, Now)])
            .When(g => GroupDecisions.Decide(new PostAnnouncement(Id("a"), "Hello"), g, CoCoach, Now)).ThenFails(ErrorKind.Forbidden, ModerationMemberMuted);
        Assert.True(mutedCoCoach.MembershipOf(CoCoach)!.IsMutedAt(Now));
    }

    [Fact]
    public void Removed_members_can_do_nothing_in_the_group()
    {
        var group = With(new MemberRemoved(GroupId, Bob, "Abuse", Coach, Now));
        Bob_().When(m => MemberDecisions.Decide(new GiveKudos(GroupId, Item, Alice), m, group, Bob, Now)).ThenFails(ErrorKind.Forbidden, GroupMemberRemoved);
        Bob_().When(m => MemberDecisions.Decide(new ReportFeedItem(Id("r"), GroupId, Item, Alice, ReportReason.Spam), m, group, Bob, Now)).ThenFails(ErrorKind.Forbidden, GroupMemberRemoved);
        Bob_().When(m => MemberDecisions.Decide(new SendNudge(Id("n"), GroupId, Alice), m, group, new ReceiverNudgeLoad(0, Now), Bob, Now)).ThenFails(ErrorKind.Forbidden, GroupMemberRemoved);
    }

    [Fact]
    public void Comments_are_posted_retried_and_deleted_by_their_author()
    {
        Bob_().When(m => MemberDecisions.Decide(new PostComment(CommentId, GroupId, Item, Alice, " Well done! "), m, With(), Bob, Now))
            .Then(new CommentPosted(CommentId, GroupId, Item, Alice, Bob, "Well done!", Now));
        var posted = new CommentPosted(CommentId, GroupId, Item, Alice, Bob, "Well done!", Now);
        Bob_(posted).When(m => MemberDecisions.Decide(new PostComment(CommentId, GroupId, Item, Alice, "Well done!"), m, With(), Bob, Now)).ThenNothing();
        Bob_(posted).When(m => MemberDecisions.Decide(new PostComment(CommentId, GroupId, Item, Alice, "Edited"), m, With(), Bob, Now)).ThenFails(ErrorKind.Conflict, CommentIdReused);
        Bob_(posted).When(m => MemberDecisions.Decide(new DeleteComment(CommentId), m, With(), Bob, Now)).Then(new CommentDeleted(CommentId, GroupId, Item, Bob, Now));
        Bob_(posted, new CommentDeleted(CommentId, GroupId, Item, Bob, Now)).When(m => MemberDecisions.Decide(new DeleteComment(CommentId), m, With(), Bob, Now)).ThenNothing();
        Bob_().When(m => MemberDecisions.Decide(new DeleteComment(CommentId), m, With(), Bob, Now)).ThenFails(ErrorKind.NotFound, CommentNotFound);
    }

    [Fact]
    public void A_comment_needs_text_of_at_most_1000_characters()
    {
        Bob_().When(m => MemberDecisions.Decide(new PostComment(CommentId, GroupId, Item, Alice, " "), m, With(), Bob, Now)).ThenFails(ErrorKind.Validation, CommentTextRequired);
        Bob_().When(m => MemberDecisions.Decide(new PostComment(CommentId, GroupId, Item, Alice, new string('c', 1001)), m, With(), Bob, Now)).ThenFails(ErrorKind.Validation, CommentTextTooLong);
    }

    [Fact]
    public void Any_member_even_muted_reports_an_item_once()
    {
        var report = Id("report");
        Bob_().When(m => MemberDecisions.Decide(new ReportFeedItem(report, GroupId, Item, Alice, ReportReason.Harassment, "Insulting"), m, With(BobMuted), Bob, Now))
            .Then(new FeedItemReported(report, GroupId, Item, Alice, Bob, ReportReason.Harassment, "Insulting", Now));
        var filed = new FeedItemReported(report, GroupId, Item, Alice, Bob, ReportReason.Harassment, null, Now);
        Bob_(filed).When(m => MemberDecisions.Decide(new ReportFeedItem(report, GroupId, Item, Alice, ReportReason.Harassment), m, With(), Bob, Now)).ThenNothing();
        Bob_(filed).When(m => MemberDecisions.Decide(new ReportFeedItem(Id("again"), GroupId, Item, Alice, ReportReason.Spam), m, With(), Bob, Now)).ThenFails(ErrorKind.Conflict, ReportAlreadyFiled);
        Bob_().When(m => MemberDecisions.Decide(new ReportFeedItem(report, GroupId, Item, Bob, ReportReason.Spam), m, With(), Bob, Now)).ThenFails(ErrorKind.Validation, ReportOwnItem);
        Bob_().When(m => MemberDecisions.Decide(new ReportFeedItem(report, GroupId, Item, Alice, (ReportReason)99), m, With(), Bob, Now)).ThenFails(ErrorKind.Validation, ReportReasonUnknown);
    }

    [Fact]
    public void Three_distinct_reporters_hold_an_item_for_the_coach()
    {
        var group = With();
        ReportFact[] two = [new(Bob, Now), new(Carol, Now), new(Bob, Now.AddMinutes(1))];
        Assert.Equal(2, ModerationRules.DistinctReportersSinceReview(group, Item, two));
        Assert.Equal(ModerationStatus.Visible, ModerationRules.StatusOf(group, Item, two));
        ReportFact[] three = [.. two, new(Dan, Now.AddMinutes(2))];
        Assert.Equal(ModerationStatus.HeldForReview, ModerationRules.StatusOf(group, Item, three));
    }

    [Fact]
    public void After_staff_dismiss_the_reports_only_later_reports_count()
    {
        ReportFact[] three = [new(Bob, Now), new(Carol, Now), new(Dan, Now)];
        var reviewed = With(new FeedItemReportsDismissed(GroupId, Item, Coach, Now.AddHours(1)));
        Assert.Equal(ModerationStatus.Visible, ModerationRules.StatusOf(reviewed, Item, three));
        Assert.Equal(ModerationStatus.Hidden, ModerationRules.StatusOf(With(new FeedItemHidden(GroupId, Item, "Spam", Coach, Now)), Item, 0));
    }

    [Fact]
    public void Staff_hide_and_restore_items_and_comments_with_a_reason()
    {
        var spec = Spec.For<Group>(Group.Evolve).Given(World.Cohort());
        spec.When(g => GroupDecisions.Decide(new HideFeedItem(Item, " Spam "), g, CoCoach, Now)).Then(new FeedItemHidden(GroupId, Item, "Spam", CoCoach, Now));
        spec.When(g => GroupDecisions.Decide(new HideFeedItem(Item, ""), g, CoCoach, Now)).ThenFails(ErrorKind.Validation, ModerationReasonRequired);
        spec.When(g => GroupDecisions.Decide(new HideFeedItem(Item, "Spam"), g, Alice, Now)).ThenFails(ErrorKind.Forbidden, GroupRequiresStaff);
        spec.When(g => GroupDecisions.Decide(new RestoreFeedItem(Item), g, Coach, Now)).ThenFails(ErrorKind.Conflict, FeedItemNotHidden);
        spec.When(g => GroupDecisions.Decide(new HideComment(CommentId, "Rude"), g, Coach, Now)).Then(new CommentHidden(GroupId, CommentId, "Rude", Coach, Now));
        spec.When(g => GroupDecisions.Decide(new RestoreComment(CommentId), g, Coach, Now)).ThenFails(ErrorKind.Conflict, FeedCommentNotHidden);

        spec.Given(new FeedItemHidden(GroupId, Item, "Spam", CoCoach, Now), new CommentHidden(GroupId, CommentId, "Rude", Coach, Now));
        spec.When(g => GroupDecisions.Decide(new HideFeedItem(Item, "Again"), g, Coach, Now)).ThenNothing();
        spec.When(g => GroupDecisions.Decide(new RestoreFeedItem(Item), g, Coach, Now)).Then(new FeedItemRestored(GroupId, Item, Coach, Now));
        spec.When(g => GroupDecisions.Decide(new DismissReports(Item), g, Coach, Now)).ThenFails(ErrorKind.Conflict, FeedItemWasHidden);
        spec.When(g => GroupDecisions.Decide(new RestoreComment(CommentId), g, Coach, Now)).Then(new CommentRestored(GroupId, CommentId, Coach, Now));
    }

    [Fact]
    public void Restoring_an_item_is_also_a_review_of_its_reports()
    {
        var group = With(new FeedItemHidden(GroupId, Item, "Held", Coach, Now), new FeedItemRestored(GroupId, Item, Coach, Now.AddHours(1)));
        Assert.False(group.HiddenItems.ContainsKey(Item));
        Assert.Equal(Now.AddHours(1), group.ItemReviews[Item]);
    }

    [Fact]
    public void Staff_mute_members_for_five_minutes_to_thirty_days()
    {
        var spec = Spec.For<Group>(Group.Evolve).Given(World.Cohort());
        spec.When(g => GroupDecisions.Decide(new MuteMember(Bob, Now.AddDays(1), "Cool off"), g, CoCoach, Now)).Then(new MemberMuted(GroupId, Bob, Now.AddDays(1), "Cool off", CoCoach, Now));
        spec.When(g => GroupDecisions.Decide(new MuteMember(Bob, Now.AddMinutes(4), "Short"), g, Coach, Now)).ThenFails(ErrorKind.Validation, ModerationMuteOutOfRange);
        spec.When(g => GroupDecisions.Decide(new MuteMember(Bob, Now.AddDays(31), "Long"), g, Coach, Now)).ThenFails(ErrorKind.Validation, ModerationMuteOutOfRange);
        spec.When(g => GroupDecisions.Decide(new MuteMember(Coach, Now.AddDays(1), "Coup"), g, CoCoach, Now)).ThenFails(ErrorKind.Forbidden, GroupCannotModerateCoach);
        spec.When(g => GroupDecisions.Decide(new MuteMember(Bob, Now.AddDays(1), "x"), g, Carol, Now)).ThenFails(ErrorKind.Forbidden, GroupRequiresStaff);
    }

    [Fact]
    public void Unmuting_a_muted_member_is_recorded_and_unmuting_anyone_else_is_not()
    {
        var spec = Spec.For<Group>(Group.Evolve).Given([.. World.Cohort(), BobMuted]);
        spec.When(g => GroupDecisions.Decide(new UnmuteMember(Bob), g, Coach, Now)).Then(new MemberUnmuted(GroupId, Bob, Coach, Now));
        spec.When(g => GroupDecisions.Decide(new UnmuteMember(Carol), g, Coach, Now)).ThenNothing();
        spec.When(g => GroupDecisions.Decide(new UnmuteMember(Bob), g, Coach, Now.AddHours(3))).ThenNothing();
    }

    [Fact]
    public void A_report_note_has_at_most_1000_characters()
    {
        Bob_().When(m => MemberDecisions.Decide(new ReportFeedItem(Id("r"), GroupId, Item, Alice, ReportReason.Other, new string('n', 1001)), m, With(), Bob, Now)).ThenFails(ErrorKind.Validation, ReportNoteTooLong);
    }
}
