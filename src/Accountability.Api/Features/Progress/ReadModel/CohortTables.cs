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

        // Each goal's state in the compact snapshot form (see GoalSnapshot).
        $"""
        CREATE TABLE IF NOT EXISTS {Goals} (
            goal_id uuid PRIMARY KEY,
            group_id uuid NOT NULL,
            member_id uuid NOT NULL,
            title text NOT NULL,
            status smallint NOT NULL,
            visibility smallint NOT NULL,
            state jsonb NOT NULL)
        """,
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
        $"CREATE INDEX IF NOT EXISTS progress_members_member ON {Members} (member_id)",

        // The member's figures for each step [valid_from, valid_to).
        $"""
        CREATE TABLE IF NOT EXISTS {MemberSteps} (
            group_id uuid NOT NULL,
            member_id uuid NOT NULL,
            valid_from timestamptz NOT NULL,
            valid_to timestamptz NOT NULL,
            figures jsonb NOT NULL,
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
            figures jsonb NOT NULL,
            PRIMARY KEY (pair_id, valid_from))
        """,
    ];
}
