using System.Text.Json;
using Accountability.Domain.CoachViews;
using Accountability.Domain.Leaderboards;
using Accountability.Domain.Progress;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Progress.ReadModel;

/// <summary>
/// How a step's figures map to the columns of <c>rm.progress_member_steps</c> and <c>rm.progress_pair_steps</c>, both
/// ways, in one place. Columns instead of a document: a board or a queue reads twenty rows of numbers, which costs
/// microseconds, where parsing twenty JSON documents cost about as much as the rest of the request.
/// </summary>
internal static class StepRows
{
    /// <summary>The figure columns of a member step, in the order <see cref="ReadMember"/> reads them (goals last).</summary>
    public const string MemberColumns =
        """
        today, paused, last_check_in_at, last7_done, last7_due, last14_done, last14_due, last28_done, last28_due,
        week_done, week_due, week_streak, week_reached_at, four_weeks_done, four_weeks_due, four_weeks_streak, four_weeks_reached_at,
        all_time_done, all_time_due, all_time_streak, all_time_reached_at,
        q_paused, q_joined_at, q_missed, q_last7_done, q_last7_due, q_baseline_done, q_baseline_due, q_last_check_in_at, q_usual_gap,
        q_stuck_since, q_stuck_check_in_id, goals
        """;

    public const int MemberColumnCount = 33;

    public const string PairColumns = "current_streak, best_streak, since, at_risk_date, save_by, waiting_for";

    public const int PairColumnCount = 6;

    private static readonly LeaderboardWindow[] Windows = [LeaderboardWindow.ThisWeek, LeaderboardWindow.Rolling4Weeks, LeaderboardWindow.AllTime];

    /// <summary>Queues one INSERT of every step of the given members (their previous steps must be deleted first).</summary>
    public static void InsertMemberSteps(NpgsqlBatchCommand command, IReadOnlyList<(Guid GroupId, Guid MemberId, Step<MemberFigures> Step)> rows)
    {
        var figures = rows.Select(r => r.Step.Figures).ToList();
        command.Add(rows.Select(r => r.GroupId).ToArray());
        command.Add(rows.Select(r => r.MemberId).ToArray());
        command.AddInstants(rows.Select(r => r.Step.From));
        command.AddInstants(rows.Select(r => r.Step.To));
        command.Add(figures.Select(f => f.Today).ToArray());
        command.Add(figures.Select(f => f.Paused).ToArray());
        command.AddInstants(figures.Select(f => f.LastCheckInAt));
        foreach (var window in new Func<MemberFigures, Consistency>[] { f => f.Last7, f => f.Last14, f => f.Last28 })
        {
            command.Add(figures.Select(f => window(f).Done).ToArray());
            command.Add(figures.Select(f => window(f).Due).ToArray());
        }

        foreach (var window in Windows)
        {
            command.Add(figures.Select(f => f.Board(window).Consistency.Done).ToArray());
            command.Add(figures.Select(f => f.Board(window).Consistency.Due).ToArray());
            command.Add(figures.Select(f => f.Board(window).CurrentStreak).ToArray());
            command.AddInstants(figures.Select(f => f.Board(window).StreakReachedAt));
        }

        command.Add(figures.Select(f => f.Queue.IsPaused).ToArray());
        command.AddInstants(figures.Select(f => f.Queue.JoinedAt));
        command.AddJsonArray(figures.Select(f => ReadModelJson.Serialize(f.Queue.RecentlyMissed)).ToArray(), NpgsqlDbType.Json);
        command.Add(figures.Select(f => f.Queue.Last7.Done).ToArray());
        command.Add(figures.Select(f => f.Queue.Last7.Due).ToArray());
        command.Add(figures.Select(f => f.Queue.Baseline28.Done).ToArray());
        command.Add(figures.Select(f => f.Queue.Baseline28.Due).ToArray());
        command.AddInstants(figures.Select(f => f.Queue.LastCheckInAt));
        command.Parameters.Add(new NpgsqlParameter<TimeSpan?[]> { TypedValue = figures.Select(f => f.Queue.UsualGap).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Interval });
        command.AddInstants(figures.Select(f => f.Queue.OpenStuckSince));
        command.Add(figures.Select(f => f.Queue.OpenStuckCheckInId).ToArray());
        command.AddJsonArray(figures.Select(f => JsonSerializer.Serialize(f.Goals, GoalFiguresJson.Options)).ToArray(), NpgsqlDbType.Json);
    }

    public static string InsertMemberStepsSql =>
        $"""
        INSERT INTO {CohortTables.MemberSteps} (group_id, member_id, valid_from, valid_to, {MemberColumns})
        SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::date[], $6::boolean[], $7::timestamptz[],
            $8::int[], $9::int[], $10::int[], $11::int[], $12::int[], $13::int[],
            $14::int[], $15::int[], $16::int[], $17::timestamptz[], $18::int[], $19::int[], $20::int[], $21::timestamptz[],
            $22::int[], $23::int[], $24::int[], $25::timestamptz[],
            $26::boolean[], $27::timestamptz[], $28::json[], $29::int[], $30::int[], $31::int[], $32::int[], $33::timestamptz[], $34::interval[],
            $35::timestamptz[], $36::uuid[], $37::json[])
        """;

    /// <summary>
    /// A member's figures from the columns at <paramref name="first"/> (laid out as <see cref="MemberColumns"/>); null
    /// when the row has no step (the columns are null). Goals are read only when <paramref name="withGoals"/>.
    /// </summary>
    public static MemberFigures? ReadMember(NpgsqlDataReader reader, int first, Guid memberId, bool withGoals)
    {
        if (reader.IsDBNull(first))
        {
            return null;
        }

        var i = first;
        var today = reader.GetFieldValue<DateOnly>(i++);
        var paused = reader.GetBoolean(i++);
        var lastCheckInAt = reader.GetNullableInstant(i++);
        var last7 = new Consistency(reader.GetInt32(i++), reader.GetInt32(i++));
        var last14 = new Consistency(reader.GetInt32(i++), reader.GetInt32(i++));
        var last28 = new Consistency(reader.GetInt32(i++), reader.GetInt32(i++));
        var boards = new List<BoardFigures>(3);
        foreach (var window in Windows)
        {
            boards.Add(new BoardFigures(window, new Consistency(reader.GetInt32(i++), reader.GetInt32(i++)), reader.GetInt32(i++), reader.GetNullableInstant(i++)));
        }

        var queuePaused = reader.GetBoolean(i++);
        var joinedAt = reader.GetInstant(i++);
        var missedJson = reader.GetString(i++);
        var missed = missedJson == "[]" ? [] : ReadModelJson.Deserialize<List<MissedPeriod>>(missedJson);
        var queueLast7 = new Consistency(reader.GetInt32(i++), reader.GetInt32(i++));
        var baseline = new Consistency(reader.GetInt32(i++), reader.GetInt32(i++));
        var queueLastCheckInAt = reader.GetNullableInstant(i++);
        TimeSpan? usualGap = reader.IsDBNull(i) ? null : reader.GetTimeSpan(i);
        i++;
        var stuckSince = reader.GetNullableInstant(i++);
        var stuckCheckIn = reader.GetNullableGuid(i++);
        var goals = withGoals ? JsonSerializer.Deserialize<List<GoalFigures>>(reader.GetString(i), GoalFiguresJson.Options) ?? [] : [];
        var queue = new CoachQueueMember(memberId, queuePaused, joinedAt, missed, queueLast7, baseline, queueLastCheckInAt, usualGap, stuckSince, stuckCheckIn);
        return new MemberFigures(today, paused, lastCheckInAt, last7, last14, last28, goals, boards, queue);
    }

    public static void InsertPairSteps(NpgsqlBatchCommand command, IReadOnlyList<(Guid PairId, Step<PairFigures> Step)> rows)
    {
        command.Add(rows.Select(r => r.PairId).ToArray());
        command.AddInstants(rows.Select(r => r.Step.From));
        command.AddInstants(rows.Select(r => r.Step.To));
        command.Add(rows.Select(r => r.Step.Figures.Current).ToArray());
        command.Add(rows.Select(r => r.Step.Figures.Best).ToArray());
        command.Add(rows.Select(r => r.Step.Figures.CurrentSince).ToArray());
        command.Add(rows.Select(r => r.Step.Figures.AtRiskDate).ToArray());
        command.AddInstants(rows.Select(r => r.Step.Figures.SaveBy));
        command.Add(rows.Select(r => r.Step.Figures.WaitingFor).ToArray());
    }

    public static string InsertPairStepsSql =>
        $"""
        INSERT INTO {CohortTables.PairSteps} (pair_id, valid_from, valid_to, {PairColumns})
        SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::int[], $5::int[], $6::date[], $7::date[], $8::timestamptz[], $9::uuid[])
        """;

    /// <summary>A pair's figures from the columns at <paramref name="first"/>; null when the row has no step.</summary>
    public static PairFigures? ReadPair(NpgsqlDataReader reader, int first) =>
        reader.IsDBNull(first)
            ? null
            : new PairFigures(
                reader.GetInt32(first),
                reader.GetInt32(first + 1),
                reader.IsDBNull(first + 2) ? null : reader.GetFieldValue<DateOnly>(first + 2),
                reader.IsDBNull(first + 3) ? null : reader.GetFieldValue<DateOnly>(first + 3),
                reader.GetNullableInstant(first + 4),
                reader.GetNullableGuid(first + 5));
}
