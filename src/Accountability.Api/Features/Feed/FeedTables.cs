namespace Accountability.Api.Features.Feed;

/// <summary>
/// The <c>group-feed</c> projection's tables. A page of a group's feed is one index range scan on
/// <c>feed_items (group_id, seq)</c>; its comments and the viewer's kudos are one more statement in the same round trip.
/// </summary>
internal static class FeedTables
{
    public const string Groups = "rm.feed_groups";
    public const string Goals = "rm.feed_goals";
    public const string Items = "rm.feed_items";
    public const string Comments = "rm.feed_comments";
    public const string Kudos = "rm.feed_kudos";

    public static IReadOnlyList<string> All { get; } = [Groups, Goals, Items, Comments, Kudos];

    public static IReadOnlyList<string> Schema { get; } =
    [
        "CREATE SCHEMA IF NOT EXISTS rm",
        $"""
        CREATE TABLE IF NOT EXISTS {Groups} (
            group_id uuid PRIMARY KEY,
            numbers_visibility smallint NOT NULL)
        """,
        $"""
        CREATE TABLE IF NOT EXISTS {Goals} (
            goal_id uuid PRIMARY KEY,
            group_id uuid NOT NULL,
            member_id uuid NOT NULL,
            title text NOT NULL,
            unit text,
            visibility smallint NOT NULL)
        """,

        // One row per feed item: a shared check-in (its latest version), a win, an announcement. seq is the global
        // sequence of the event that put it in the feed: the cursor. status: 0 visible, 1 held for review, 2 hidden.
        $"""
        CREATE TABLE IF NOT EXISTS {Items} (
            group_id uuid NOT NULL,
            item_id uuid NOT NULL,
            seq bigint NOT NULL,
            kind smallint NOT NULL,
            author_id uuid,
            goal_id uuid,
            goal_visibility smallint,
            created_at timestamptz NOT NULL,
            amended_at timestamptz,
            shared boolean NOT NULL,
            check_in_date date,
            done boolean,
            value numeric,
            note text,
            mood smallint,
            stuck boolean,
            answers jsonb,
            win_kind smallint,
            win_value int,
            win_date date,
            text text,
            kudos int NOT NULL,
            status smallint NOT NULL,
            hidden_reason text,
            hidden_by uuid,
            hidden_at timestamptz,
            reviewed_at timestamptz,
            reports jsonb NOT NULL,
            PRIMARY KEY (group_id, item_id))
        """,
        $"CREATE UNIQUE INDEX IF NOT EXISTS feed_items_cursor ON {Items} (group_id, seq)",
        $"CREATE INDEX IF NOT EXISTS feed_items_goal ON {Items} (goal_id) WHERE goal_id IS NOT NULL",

        $"""
        CREATE TABLE IF NOT EXISTS {Comments} (
            comment_id uuid PRIMARY KEY,
            group_id uuid NOT NULL,
            item_id uuid NOT NULL,
            seq bigint NOT NULL,
            author_id uuid NOT NULL,
            text text NOT NULL,
            posted_at timestamptz NOT NULL,
            deleted boolean NOT NULL,
            hidden_reason text,
            hidden_by uuid,
            hidden_at timestamptz)
        """,
        $"CREATE INDEX IF NOT EXISTS feed_comments_item ON {Comments} (group_id, item_id, seq)",

        $"""
        CREATE TABLE IF NOT EXISTS {Kudos} (
            group_id uuid NOT NULL,
            item_id uuid NOT NULL,
            giver_id uuid NOT NULL,
            given_at timestamptz NOT NULL,
            PRIMARY KEY (group_id, item_id, giver_id))
        """,
    ];
}
