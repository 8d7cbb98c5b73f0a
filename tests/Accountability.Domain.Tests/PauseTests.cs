using Accountability.Domain.Members;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Tests;

/// <summary>A member's own stream: their time zone and declared pauses.</summary>
[Trait("Category", "Domain")]
public sealed class PauseTests
{
    private static readonly Guid PauseId = Id("pause");
    private static readonly DateTimeOffset Now = Utc(2025, 3, 3, 9);
    private static readonly TimeZoneChanged InLondon = new(Alice, "Europe/London", null, Start.AddDays(-30));

    private static Spec<Member> Alice_(params object[] more) => Spec.For<Member>(Member.Evolve).Given([InLondon, .. more]);

    private static Outcome Declare(Spec<Member> spec, DateOnly first, DateOnly? last, PauseReason reason = PauseReason.Vacation, string? note = null) =>
        spec.When(member => MemberDecisions.Decide(new DeclarePause(PauseId, first, last, reason, note), member, Alice, Now));

    [Fact]
    public void A_member_sets_their_time_zone_and_each_change_is_an_event()
    {
        Spec.For<Member>(Member.Evolve).When(member => MemberDecisions.Decide(new ChangeTimeZone("Europe/London"), member, Alice, Now))
            .Then(new TimeZoneChanged(Alice, "Europe/London", null, Now));
        Alice_().When(member => MemberDecisions.Decide(new ChangeTimeZone("Asia/Kathmandu"), member, Alice, Now))
            .Then(new TimeZoneChanged(Alice, "Asia/Kathmandu", "Europe/London", Now));
        Alice_().When(member => MemberDecisions.Decide(new ChangeTimeZone("Europe/London"), member, Alice, Now)).ThenNothing();
        Alice_().When(member => MemberDecisions.Decide(new ChangeTimeZone("Europe/Nowhere"), member, Alice, Now)).ThenFails(ErrorKind.Validation, MemberTimeZoneUnknown);
    }

    [Fact]
    public void Nobody_acts_on_someone_elses_member_stream()
    {
        Alice_().When(member => MemberDecisions.Decide(new ChangeTimeZone("Asia/Tokyo"), member, Bob, Now)).ThenFails(ErrorKind.Forbidden, MemberNotSelf);
    }

    [Fact]
    public void A_pause_from_today_with_a_reason_is_declared()
    {
        Declare(Alice_(), StartDate, StartDate.AddDays(6), note: " Family trip ")
            .Then(new PauseDeclared(PauseId, Alice, StartDate, StartDate.AddDays(6), PauseReason.Vacation, "Family trip", Now));
        Assert.Null(Declare(Alice_(), StartDate.AddDays(2), null, PauseReason.Illness).Single<PauseDeclared>().LastDate);
    }

    [Fact]
    public void A_pause_cannot_start_in_the_past_so_closed_days_are_never_rewritten()
    {
        var error = Declare(Alice_(), StartDate.AddDays(-1), StartDate).ThenFails(ErrorKind.Validation, PauseStartsInPast);
        Assert.Equal("firstDate", error.Field);
        Assert.Contains("streak correction", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Pause_dates_and_fields_are_checked()
    {
        Declare(Alice_(), StartDate.AddDays(366), null).ThenFails(ErrorKind.Validation, PauseStartsTooFar);
        Declare(Alice_(), StartDate.AddDays(3), StartDate.AddDays(2)).ThenFails(ErrorKind.Validation, PauseLastBeforeFirst);
        Declare(Alice_(), StartDate, StartDate.AddDays(90)).ThenFails(ErrorKind.Validation, PauseTooLong);
        Assert.Equal(StartDate.AddDays(89), Declare(Alice_(), StartDate, StartDate.AddDays(89)).Single<PauseDeclared>().LastDate);
        Declare(Alice_(), StartDate, null, (PauseReason)42).ThenFails(ErrorKind.Validation, PauseReasonUnknown);
        Declare(Alice_(), StartDate, null, note: new string('n', 501)).ThenFails(ErrorKind.Validation, PauseNoteTooLong);
    }

    [Fact]
    public void A_pause_needs_the_members_own_time_zone()
    {
        Declare(Spec.For<Member>(Member.Evolve), StartDate, null).ThenFails(ErrorKind.Conflict, MemberTimeZoneRequired);
    }

    [Fact]
    public void Pauses_may_not_overlap()
    {
        var declared = new PauseDeclared(Id("first"), Alice, StartDate.AddDays(5), StartDate.AddDays(9), PauseReason.Vacation, null, Now);
        Declare(Alice_(declared), StartDate.AddDays(9), StartDate.AddDays(12)).ThenFails(ErrorKind.Conflict, PauseOverlaps);
        Declare(Alice_(declared), StartDate, null).ThenFails(ErrorKind.Conflict, PauseOverlaps);
        Declare(Alice_(declared), StartDate.AddDays(10), null).Single<PauseDeclared>();
    }

    [Fact]
    public void Declaring_the_same_pause_again_is_a_retry_and_a_different_one_under_its_id_a_conflict()
    {
        var declared = new PauseDeclared(PauseId, Alice, StartDate, null, PauseReason.Vacation, null, Now);
        Declare(Alice_(declared), StartDate, null).ThenNothing();
        Declare(Alice_(declared), StartDate.AddDays(1), null).ThenFails(ErrorKind.Conflict, PauseIdReused);
    }

    [Fact]
    public void Ending_a_running_pause_keeps_today_paused()
    {
        var declared = new PauseDeclared(PauseId, Alice, StartDate.AddDays(-3), null, PauseReason.Illness, null, Now.AddDays(-3));
        Alice_(declared).When(member => MemberDecisions.Decide(new EndPause(PauseId), member, Alice, Now))
            .Then(new PauseEnded(PauseId, Alice, StartDate, Now));
        Alice_(declared).When(member => MemberDecisions.Decide(new EndPause(PauseId, StartDate.AddDays(-1)), member, Alice, Now))
            .ThenFails(ErrorKind.Validation, PauseEndOutOfRange);
    }

    [Fact]
    public void Ending_a_pause_that_has_not_begun_cancels_it()
    {
        var declared = new PauseDeclared(PauseId, Alice, StartDate.AddDays(10), StartDate.AddDays(20), PauseReason.Vacation, null, Now.AddDays(-1));
        Alice_(declared).When(member => MemberDecisions.Decide(new EndPause(PauseId), member, Alice, Now))
            .Then(new PauseEnded(PauseId, Alice, StartDate.AddDays(9), Now));
        var member = MemberState(InLondon, declared, new PauseEnded(PauseId, Alice, StartDate.AddDays(9), Now))!;
        Assert.False(member.Pauses[PauseId].Covers(StartDate.AddDays(10), Now));
        Assert.True(member.Pauses[PauseId].Covers(StartDate.AddDays(10), Now.AddSeconds(-1)));
    }

    [Fact]
    public void A_pause_cannot_be_extended_by_ending_it_later_and_ending_twice_is_harmless()
    {
        var declared = new PauseDeclared(PauseId, Alice, StartDate, StartDate.AddDays(3), PauseReason.Vacation, null, Now);
        Alice_(declared).When(member => MemberDecisions.Decide(new EndPause(PauseId, StartDate.AddDays(5)), member, Alice, Now)).ThenFails(ErrorKind.Validation, PauseEndOutOfRange);
        var ended = new PauseEnded(PauseId, Alice, StartDate.AddDays(1), Now);
        Alice_(declared, ended).When(member => MemberDecisions.Decide(new EndPause(PauseId), member, Alice, Now)).ThenNothing();
        Alice_(declared, ended).When(member => MemberDecisions.Decide(new EndPause(PauseId, StartDate.AddDays(2)), member, Alice, Now)).ThenFails(ErrorKind.Conflict, PauseAlreadyEnded);
        Alice_().When(member => MemberDecisions.Decide(new EndPause(PauseId), member, Alice, Now)).ThenFails(ErrorKind.NotFound, PauseNotFound);
    }
}
