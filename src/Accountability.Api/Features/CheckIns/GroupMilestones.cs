using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Domain.Groups;
using Accountability.Domain.Time;
using Accountability.Domain.Wins;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.CheckIns;

/// <summary>
/// "80% of the group checked in today": after a new check-in for the group's current local date (its default
/// zone), counts the members who checked in for that date among those with a goal due by then and no pause
/// covering it, and records the group's win on the group stream when this check-in crossed the line. The win id
/// is derived from the group and date, so concurrent check-ins that both see the crossing record it once.
/// </summary>
/// <remarks>
/// A separate append after the check-in's own: a failure here is logged and never fails the check-in. Coaches
/// without goals are not counted, or a small cohort could never reach the mark.
/// </remarks>
public sealed partial class GroupMilestones(EventWriter writer, NpgsqlDataSource dataSource, ILogger<GroupMilestones> logger)
{
    /// <param name="group">The group as the check-in's decision saw it (its append confirmed it was current).</param>
    public async Task RecordAsync(Actor actor, Group group, Guid checkInId, DateOnly checkInDate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(group);
        var groupId = group.Id;
        try
        {
            var groupDate = DayClock.For(group, null).Today(writer.Now);
            if (groupDate != checkInDate)
            {
                return;
            }

            var (counted, checkedIn, mine) = await CountAsync(groupId, groupDate, checkInId, ct);
            var win = WinDetector.DetectGroupMilestone(groupId, groupDate, counted, checkedIn - (mine ? 1 : 0), checkedIn);
            if (win is null)
            {
                return;
            }

            await writer.WriteGroupAsync(groupId, actor, new WriteOptions("RecordGroupWin", ClientId: win.WinId),
                (state, now) => GroupDecisions.Decide(new RecordGroupWin(win), state, now), ct);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(logger, exception, groupId);
        }
    }

    /// <returns>Members counted, how many of them checked in for the date, and whether this check-in was its member's first that day (and counted).</returns>
    private async Task<(int Counted, int CheckedIn, bool Mine)> CountAsync(Guid groupId, DateOnly date, Guid checkInId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
                """
                WITH counted AS (
                    SELECT m.member_id
                      FROM rm.group_members m
                     WHERE m.group_id = $1 AND m.status = 'active'
                       AND EXISTS (SELECT 1 FROM rm.goals g WHERE g.group_id = $1 AND g.member_id = m.member_id AND g.status = 'active' AND g.start_date <= $2)
                       AND NOT EXISTS (SELECT 1 FROM rm.pauses p WHERE p.member_id = m.member_id AND p.first_date <= $2
                                          AND (p.effective_last_date IS NULL OR p.effective_last_date >= $2))
                )
                SELECT (SELECT count(*) FROM counted)::int,
                       (SELECT count(*) FROM rm.check_in_days d JOIN counted c ON c.member_id = d.member_id WHERE d.group_id = $1 AND d.date = $2)::int,
                       EXISTS (SELECT 1 FROM rm.check_in_days d JOIN counted c ON c.member_id = d.member_id WHERE d.group_id = $1 AND d.date = $2 AND d.first_check_in_id = $3)
                """)
            .With(groupId, NpgsqlDbType.Uuid)
            .With(date, NpgsqlDbType.Date)
            .With(checkInId, NpgsqlDbType.Uuid);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetBoolean(2));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the group milestone of group {GroupId}; the check-in itself is recorded")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid groupId);
}
