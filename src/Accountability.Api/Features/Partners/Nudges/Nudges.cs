using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Api.Infrastructure.Http.RateLimiting;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.Domain.Partners;
using Accountability.Domain.Time;
using FluentValidation;
using MediatR;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Partners.Nudges;

/// <summary>POST /api/v1/groups/{groupId}/members/{memberId}/nudges: <c>{"nudgeId":"…","goalId":"…","message":"…"}</c> (all optional).</summary>
public sealed record SendNudgeRequest(Guid? NudgeId, Guid? GoalId, string? Message);

/// <summary>The nudge, and how many more the sender may send this member today.</summary>
public sealed record NudgeResponse(Guid NudgeId, Guid GroupId, Guid ReceiverId, Guid? GoalId, string? Message, DateTimeOffset SentAt, int RemainingToday);

/// <summary>
/// A partner (or a coach) nudges a member. Daily budgets keep anyone from being flooded: 3 a day from one sender
/// to one receiver (the sender's local day), 10 a day into one inbox from everyone (the receiver's local day);
/// past either the answer is 429 with Retry-After at the day's end.
/// </summary>
public sealed record SendNudge(Guid GroupId, Guid ReceiverId, Guid NudgeId, Guid? GoalId, string? Message) : IRequest<(NudgeResponse Nudge, long Version)>;

internal sealed class SendNudgeValidator : AbstractValidator<SendNudge>
{
    public SendNudgeValidator()
    {
        RuleFor(c => c.NudgeId).RequiredId();
        RuleFor(c => c.GoalId).OptionalId();
        RuleFor(c => c.Message).MultiLine();
    }
}

internal sealed class SendNudgeHandler(EventWriter writer, RequestActor actor, NpgsqlDataSource dataSource) : IRequestHandler<SendNudge, (NudgeResponse Nudge, long Version)>
{
    public async Task<(NudgeResponse Nudge, long Version)> Handle(SendNudge request, CancellationToken cancellationToken)
    {
        var me = actor.Current;

        // The receiver's budget counts nudges from everyone, which no single stream holds: two senders deciding at
        // once would each count the same inbox and both pass it. So nudges to one receiver are decided one at a
        // time, in every process, until the nudge is written.
        await using var inbox = await InboxLock.TakeAsync(dataSource, request.ReceiverId, cancellationToken);
        var written = await writer.WriteMemberAsync(me, new WriteOptions(nameof(SendNudge), ClientId: request.NudgeId),
            async (state, now) =>
            {
                var group = await writer.LoadGroupAsync(request.GroupId, cancellationToken);
                var load = group is null ? new ReceiverNudgeLoad(0, now) : await ReceiverLoadAsync(group, request.ReceiverId, now, cancellationToken);
                return MemberDecisions.Decide(new Domain.Members.SendNudge(request.NudgeId, request.GroupId, request.ReceiverId, request.GoalId, request.Message),
                    state, group!, load, me.MemberId, now);
            },
            cancellationToken);
        var sent = written.State!.RecentNudges.First(n => n.NudgeId == request.NudgeId);
        var sentToday = written.State.RecentNudges.Count(n => n.ReceiverId == request.ReceiverId && n.SenderLocalDate == sent.SenderLocalDate);
        var nudge = written.Events.OfType<NudgeSent>().FirstOrDefault();
        return (new NudgeResponse(request.NudgeId, request.GroupId, request.ReceiverId, nudge?.GoalId ?? request.GoalId, nudge?.Message ?? request.Message,
            nudge?.SentAt ?? writer.Now, NudgeBudget.RemainingForPair(sentToday)), written.Version);
    }

    /// <summary>Nudges the receiver got on their current local day, from anyone in any group, and when that day ends.</summary>
    private async Task<ReceiverNudgeLoad> ReceiverLoadAsync(Group group, Guid receiverId, DateTimeOffset now, CancellationToken ct)
    {
        var receiver = await writer.LoadMemberAsync(receiverId, ct);
        var clock = DayClock.For(group, receiver);
        var today = clock.Today(now);
        await using var command = dataSource.CreateCommand("SELECT count(*)::int FROM rm.nudges WHERE receiver_id = $1 AND sent_at >= $2")
            .With(receiverId, NpgsqlDbType.Uuid)
            .With(clock.StartsAt(today), NpgsqlDbType.TimestampTz);
        var received = (int)(await command.ExecuteScalarAsync(ct))!;
        return new ReceiverNudgeLoad(received, clock.StartsAt(today.AddDays(1)));
    }
}

/// <summary>
/// A PostgreSQL session advisory lock on one receiver's nudge inbox, held on a connection of its own while a nudge to
/// them is decided and written. Released on dispose (and by the pool's reset if anything went wrong before). A sender
/// who finds the inbox locked gives its connection back while it waits, so that senders queued on one busy inbox
/// cannot take the whole pool from the one holding the lock, who needs another connection to write.
/// </summary>
internal sealed class InboxLock : IAsyncDisposable
{
    private const string Key = "SELECT hashtextextended('accountability.nudge-inbox:' || $1::text, 0)";

    private readonly NpgsqlConnection connection;
    private readonly Guid receiverId;

    private InboxLock(NpgsqlConnection connection, Guid receiverId)
    {
        this.connection = connection;
        this.receiverId = receiverId;
    }

    public static async Task<InboxLock> TakeAsync(NpgsqlDataSource dataSource, Guid receiverId, CancellationToken ct)
    {
        for (var wait = TimeSpan.FromMilliseconds(2); ; wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 100)))
        {
            var connection = await dataSource.OpenConnectionAsync(ct);
            try
            {
                await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock(({Key}))", connection).With(receiverId, NpgsqlDbType.Uuid);
                if (await command.ExecuteScalarAsync(ct) is true)
                {
                    return new InboxLock(connection, receiverId);
                }
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }

            await connection.DisposeAsync();
            await Task.Delay(wait, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock(({Key}))", connection).With(receiverId, NpgsqlDbType.Uuid);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
        {
            // The nudge is written; the lock goes with the session (a broken one ends it, the pool's reset unlocks a sound one).
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}

internal static class NudgeEndpoints
{
    public static RouteGroupBuilder MapNudges(this RouteGroupBuilder groups)
    {
        groups.MapPost("/{groupId:guid}/members/{memberId:guid}/nudges", async (Guid groupId, Guid memberId, SendNudgeRequest? body,
                IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var (nudge, version) = await mediator.Send(new SendNudge(groupId, memberId, body?.NudgeId ?? Guid.NewGuid(), body?.GoalId, body?.Message), ct);
                ETags.Set(http, version);
                return TypedResults.Created($"{PartnersApi.Prefix}/{groupId}/members/{memberId}/nudges/{nudge.NudgeId}", nudge);
            })
            .RequireAccess(AccessRules.PartnerOrSelf)
            .RequireRateLimiting(RateLimitPolicies.Nudges)
            .WithIdempotency()
            .WithName("SendNudge")
            .WithSummary("Nudge a partner (coaches: anyone in their group); daily budgets apply, 429 with Retry-After when spent.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return groups;
    }
}
