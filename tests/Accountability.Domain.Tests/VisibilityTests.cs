using Accountability.Domain.Feed;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;

namespace Accountability.Domain.Tests;

[Trait("Category", "Domain")]
public sealed class VisibilityTests
{
    private static readonly DateTimeOffset Now = Start;
    private static readonly PartnersPaired AliceAndBob = new(GroupId, Id("pair"), Alice, Bob, null, Coach, Now);

    private static Group Cohort(NumbersVisibility numbers = NumbersVisibility.AggregateOnly, params object[] more) =>
        GroupState([.. World.Cohort(numbers: numbers), AliceAndBob, .. more]);

    [Theory]
    [InlineData(GoalVisibility.Group, Access.Full, Access.Full, Access.Full, Access.Summary)]
    [InlineData(GoalVisibility.PartnersAndCoach, Access.Full, Access.Full, Access.Full, Access.None)]
    [InlineData(GoalVisibility.CoachOnly, Access.Full, Access.Full, Access.None, Access.None)]
    public void Who_sees_a_goal_depends_on_its_visibility_and_the_viewers_relation(GoalVisibility visibility, Access owner, Access coach, Access partner, Access otherMember)
    {
        var group = Cohort();
        Assert.Equal(owner, Visibility.ForGoal(group, Alice, Alice, visibility));
        Assert.Equal(coach, Visibility.ForGoal(group, Coach, Alice, visibility));
        Assert.Equal(coach, Visibility.ForGoal(group, CoCoach, Alice, visibility));
        Assert.Equal(partner, Visibility.ForGoal(group, Bob, Alice, visibility));
        Assert.Equal(otherMember, Visibility.ForGoal(group, Carol, Alice, visibility));
        Assert.Equal(Access.None, Visibility.ForGoal(group, Stranger, Alice, visibility));
    }

    [Theory]
    [InlineData(NumbersVisibility.Hidden, Access.Summary)]
    [InlineData(NumbersVisibility.AggregateOnly, Access.Summary)]
    [InlineData(NumbersVisibility.Individual, Access.Full)]
    public void Other_members_see_numbers_only_when_the_group_shows_individual_numbers(NumbersVisibility numbers, Access expected)
    {
        Assert.Equal(expected, Visibility.ForGoal(Cohort(numbers), Carol, Alice, GoalVisibility.Group));
    }

    [Fact]
    public void Hidden_or_held_content_is_seen_only_by_its_author_and_staff()
    {
        var group = Cohort();
        foreach (var moderation in new[] { ModerationStatus.Hidden, ModerationStatus.HeldForReview })
        {
            Assert.Equal(Access.Full, Visibility.ForGoal(group, Alice, Alice, GoalVisibility.Group, moderation));
            Assert.Equal(Access.Full, Visibility.ForGoal(group, Coach, Alice, GoalVisibility.Group, moderation));
            Assert.Equal(Access.None, Visibility.ForGoal(group, Bob, Alice, GoalVisibility.Group, moderation));
            Assert.Equal(Access.None, Visibility.ForGoal(group, Carol, Alice, GoalVisibility.Group, moderation));
        }
    }

    [Fact]
    public void Removed_people_see_nothing_and_their_content_leaves_the_groups_view()
    {
        var group = Cohort(NumbersVisibility.AggregateOnly, new MemberRemoved(GroupId, Carol, "Abuse", Coach, Now), new MemberLeft(GroupId, Dan, Now));
        Assert.Equal(Access.None, Visibility.ForGoal(group, Carol, Alice, GoalVisibility.Group));
        Assert.Equal(Access.None, Visibility.ForGoal(group, Carol, Carol, GoalVisibility.Group));
        Assert.Equal(Access.None, Visibility.ForGoal(group, Alice, Dan, GoalVisibility.Group));
        Assert.Equal(Access.Full, Visibility.ForGoal(group, Coach, Dan, GoalVisibility.Group));
    }

    [Fact]
    public void A_goal_overload_reads_owner_and_visibility_from_the_goal()
    {
        var goal = GoalState(DailyGoal(visibility: GoalVisibility.PartnersAndCoach));
        Assert.Equal(Access.Full, Visibility.ForGoal(Cohort(), Bob, goal));
        Assert.Equal(Access.None, Visibility.ForGoal(Cohort(), Carol, goal));
    }

    [Fact]
    public void Announcements_and_group_wins_are_for_every_active_member_unless_hidden()
    {
        var group = Cohort();
        Assert.Equal(Access.Full, Visibility.ForFeedItem(group, Carol, FeedItemKind.Announcement, Coach, null, ModerationStatus.Visible));
        Assert.Equal(Access.None, Visibility.ForFeedItem(group, Carol, FeedItemKind.Announcement, Coach, null, ModerationStatus.Hidden));
        Assert.Equal(Access.Full, Visibility.ForFeedItem(group, CoCoach, FeedItemKind.Win, Coach, null, ModerationStatus.Hidden));
        Assert.Equal(Access.None, Visibility.ForFeedItem(group, Stranger, FeedItemKind.Win, Coach, null, ModerationStatus.Visible));
        Assert.Equal(Access.Summary, Visibility.ForFeedItem(group, Carol, FeedItemKind.SharedCheckIn, Alice, GoalVisibility.Group, ModerationStatus.Visible));
        Assert.Equal(Access.None, Visibility.ForFeedItem(group, Carol, FeedItemKind.Win, Alice, GoalVisibility.CoachOnly, ModerationStatus.Visible));
    }

    [Fact]
    public void Group_aggregates_are_hidden_from_members_when_the_group_hides_numbers()
    {
        Assert.False(Visibility.CanSeeGroupAggregates(Cohort(NumbersVisibility.Hidden), Carol));
        Assert.True(Visibility.CanSeeGroupAggregates(Cohort(NumbersVisibility.Hidden), Coach));
        Assert.True(Visibility.CanSeeGroupAggregates(Cohort(NumbersVisibility.AggregateOnly), Carol));
        Assert.False(Visibility.CanSeeGroupAggregates(Cohort(NumbersVisibility.Individual), Stranger));
    }

    [Fact]
    public void A_hidden_comment_is_seen_by_its_author_and_staff_only()
    {
        var comment = Id("comment");
        var group = Cohort(NumbersVisibility.AggregateOnly, new CommentHidden(GroupId, comment, "Rude", Coach, Now));
        Assert.True(Visibility.CanSeeComment(group, Bob, comment, Bob));
        Assert.True(Visibility.CanSeeComment(group, CoCoach, comment, Bob));
        Assert.False(Visibility.CanSeeComment(group, Carol, comment, Bob));
        Assert.True(Visibility.CanSeeComment(group, Carol, Id("other"), Bob));
    }

    [Fact]
    public void Only_shared_check_ins_of_group_goals_reach_the_feed()
    {
        Assert.True(Visibility.IsSharedToFeed(GoalVisibility.Group, true));
        Assert.False(Visibility.IsSharedToFeed(GoalVisibility.Group, false));
        Assert.False(Visibility.IsSharedToFeed(GoalVisibility.PartnersAndCoach, true));
    }
}
