namespace Accountability.Api.Features.Progress.ReadModel;

/// <summary>
/// The tables of the <c>cohort-progress</c> projection, shaped for the coach's queries: everything a group's
/// dashboard, queue or leaderboard needs comes from <c>progress_members</c> joined to the step covering "now" in
/// <c>progress_member_steps</c> (primary-key range scans, about 20 rows a group) and, for pair health,
/// <c>progress_pairs</c> joined to <c>progress_pair_steps</c>.
/// </summary>
internal static class CohortTables
{
    public const string Groups = "rm.progress_groups";
    public const string People = "rm.progress_people";
    public const string Goals = "rm.progress_goals";
    public const string CheckIns = "rm.progress_checkins";
    public const string Members = "rm.progress_members";
    public const string MemberSteps = "rm.progress_member_steps";
    public const string Pairs = "rm.progress_pairs";
    public const string PairSteps = "rm.progress_pair_steps";

    public static IReadOnlyList<string> All { get; } = [Groups, People, Goals, CheckIns, Members, MemberSteps, Pairs, PairSteps];

    /// <summary>
    /// For the tables a check-in rewrites rows of (goals, check-ins, roster): pages left 30% empty let most rewrites
    /// stay on their page (HOT updates), so the secondary indexes are not touched. Applies to existing tables too.
    /// </summary>
    private static string LeaveRoomForRewrites(string table) => $"ALTER TABLE {table} SET (fillfactor = 70)";

    public static IReadOnlyList<string> Schema { get; } =
    [
        "CREATE SCHEMA IF NOT EXISTS rm",

        // The group's domain state (roster, roles, pairs, zone and grace history, rules), and what boards need at hand.
        $"""
        CREATE TABLE IF NOT EXISTS {Groups} (
            group_id uuid PRIMARY KEY,
            coach_id uuid NOT NULL,
            numbers_visibility smallint NOT NULL,
            rule_version int NOT NULL,
            rule_basis smallint NOT NULL,
            rule_minimum_due int NOT NULL,
            state jsonb NOT NULL)
        """,

        // A person's own zone history and pauses (their member stream, without the social acts).
        $"""
        CREATE TABLE IF NOT EXISTS {People} (
            member_id uuid PRIMARY KEY,
            state jsonb NOT NULL)
        """,

        // Each goal's state in the compact snapshot form (see GoalSnapshot), rewritten by every check-in on the goal. As
        // json, not jsonb: nothing queries inside it and every read takes it whole as text, so PostgreSQL only checks it
        // on the way in and copies it on the way out.
        $"""
        CREATE TABLE IF NOT EXISTS {Goals} (
            goal_id uuid PRIMARY KEY,
            group_id uuid NOT NULL,
            member_id uuid NOT NULL,
            title text NOT NULL,
            status smallint NOT NULL,
            visibility smallint NOT NULL,
            state json NOT NULL)
        """,
        $"""
        DO $$
        BEGIN
            IF (SELECT atttypid FROM pg_attribute WHERE attrelid = '{Goals}'::regclass AND attname = 'state') = 'jsonb'::regtype THEN
                ALTER TABLE {Goals} ALTER COLUMN state TYPE json USING state::json;
            END IF;
        END $$
        """,
        LeaveRoomForRewrites(Goals),
        $"CREATE INDEX IF NOT EXISTS progress_goals_group_member ON {Goals} (group_id, member_id)",
        $"CREATE INDEX IF NOT EXISTS progress_goals_member ON {Goals} (member_id)",

        // The latest version of every check-in, with what the member wrote (partner view, member progress).
        $"""
        CREATE TABLE IF NOT EXISTS {CheckIns} (
            goal_id uuid NOT NULL,
            date date NOT NULL,
            check_in_id uuid NOT NULL,
            group_id uuid NOT NULL,
            member_id uuid NOT NULL,
            done boolean NOT NULL,
            value numeric,
            note text,
            mood smallint,
            stuck boolean NOT NULL,
            answers jsonb NOT NULL,
            posted_at timestamptz NOT NULL,
            amended_at timestamptz,
            PRIMARY KEY (goal_id, date))
        """,
        LeaveRoomForRewrites(CheckIns),

        // One row per person in a group's roster, with interaction counters and when its steps were computed.
        $"""
        CREATE TABLE IF NOT EXISTS {Members} (
            group_id uuid NOT NULL,
            member_id uuid NOT NULL,
            role smallint NOT NULL,
            status smallint NOT NULL,
            joined_at timestamptz NOT NULL,
            opted_out boolean NOT NULL,
            nudges_sent int NOT NULL,
            nudges_sent_answered int NOT NULL,
            nudges_received int NOT NULL,
            nudges_received_answered int NOT NULL,
            open_nudges jsonb NOT NULL,
            answered_stuck jsonb NOT NULL,
            computed_at timestamptz,
            valid_to timestamptz,
            PRIMARY KEY (group_id, member_id))
        """,
        LeaveRoomForRewrites(Members),
        $"CREATE INDEX IF NOT EXISTS progress_members_member ON {Members} (member_id)",

        // The member's figures for each step [valid_from, valid_to), as plain columns so that a board or a queue reads
        // numbers, not documents: consistency (done, due) over 7, 14 and 28 days; the board entry of each window
        // (week, 4 weeks, all time); the queue's input (q_*: its look-back of missed periods as a small JSON array);
        // and each goal's figures as a JSON array, which only the dashboard reads.
        $"""
        CREATE TABLE IF NOT EXISTS {MemberSteps} (
            group_id uuid NOT NULL,
            member_id uuid NOT NULL,
            valid_from timestamptz NOT NULL,
            valid_to timestamptz NOT NULL,
            today date NOT NULL,
            paused boolean NOT NULL,
            last_check_in_at timestamptz,
            last7_done int NOT NULL, last7_due int NOT NULL,
            last14_done int NOT NULL, last14_due int NOT NULL,
            last28_done int NOT NULL, last28_due int NOT NULL,
            week_done int NOT NULL, week_due int NOT NULL, week_streak int NOT NULL, week_reached_at timestamptz,
            four_weeks_done int NOT NULL, four_weeks_due int NOT NULL, four_weeks_streak int NOT NULL, four_weeks_reached_at timestamptz,
            all_time_done int NOT NULL, all_time_due int NOT NULL, all_time_streak int NOT NULL, all_time_reached_at timestamptz,
            q_paused boolean NOT NULL,
            q_joined_at timestamptz NOT NULL,
            q_missed json NOT NULL,
            q_last7_done int NOT NULL, q_last7_due int NOT NULL,
            q_baseline_done int NOT NULL, q_baseline_due int NOT NULL,
            q_last_check_in_at timestamptz,
            q_usual_gap interval,
            q_stuck_since timestamptz,
            q_stuck_check_in_id uuid,
            goals json NOT NULL,
            PRIMARY KEY (group_id, member_id, valid_from))
        """,

        $"""
        CREATE TABLE IF NOT EXISTS {Pairs} (
            pair_id uuid PRIMARY KEY,
            group_id uuid NOT NULL,
            first_member_id uuid NOT NULL,
            second_member_id uuid NOT NULL,
            paired_at timestamptz NOT NULL,
            last_interaction_at timestamptz,
            computed_at timestamptz,
            valid_to timestamptz)
        """,
        $"CREATE INDEX IF NOT EXISTS progress_pairs_group ON {Pairs} (group_id)",

        $"""
        CREATE TABLE IF NOT EXISTS {PairSteps} (
            pair_id uuid NOT NULL,
            valid_from timestamptz NOT NULL,
            valid_to timestamptz NOT NULL,
            current_streak int NOT NULL,
            best_streak int NOT NULL,
            since date,
            at_risk_date date,
            save_by timestamptz,
            waiting_for uuid,
            PRIMARY KEY (pair_id, valid_from))
        """,
    ];
}
