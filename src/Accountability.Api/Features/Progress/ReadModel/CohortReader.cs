using StreamIds = Accountability.Domain.Common.StreamIds;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Leaderboards;
using Accountability.Domain.Members;
using Accountability.EventStore;
using Npgsql;

namespace Accountability.Api.Features.Progress.ReadModel;

/// <summary>What a group's boards and coach views read: the group's settings, its active members with their figures now, and its pairs.</summary>
internal sealed record Cohort(Guid GroupId, NumbersVisibility NumbersVisibility, LeaderboardRule Rule, IReadOnlyList<CohortMember> Members, IReadOnlyList<CohortPair> Pairs)
{
    public CohortMember? Member(Guid memberId) => Members.FirstOrDefault(m => m.MemberId == memberId);
}

internal sealed record NudgeCounts(int Sent, int SentAnswered, int Received, int ReceivedAnswered);

/// <summary>An active member of the group and the domain's figures for them at the query's instant.</summary>
internal sealed record CohortMember(Guid MemberId, GroupRole Role, DateTimeOffset JoinedAt, bool OptedOut, NudgeCounts Nudges, MemberFigures Figures);

internal sealed record CohortPair(Guid PairId, Guid FirstMemberId, Guid SecondMemberId, DateTimeOffset PairedAt, DateTimeOffset? LastInteractionAt, PairFigures Figures);

/// <summary>One goal with everything its progress is computed from.</summary>
internal sealed record GoalInputs(Goal Goal, Group Group, Member? Person)
{
    public Domain.Time.DayClock Clock { get; } = Domain.Time.DayClock.For(Group, Person);

    public IReadOnlyCollection<Pause> Pauses => Person?.Pauses.Values is { } pauses ? [.. pauses] : [];
}

/// <summary>
/// Reads the <c>cohort-progress</c> read model. A group's cohort is one round trip: the group row, every active
/// member joined to the step that covers "now", and every pair joined likewise. A member whose steps ran out (no
/// event for more than <see cref="CohortCalculator.Horizon"/>) is computed from the stored snapshots with the same
/// code the projection uses, in one more round trip.
/// </summary>
internal sealed class CohortReader(NpgsqlDataSource dataSource, IEventStore eventStore)
{
    private const string MemberColumns =
        "m.member_id, m.role, m.joined_at, m.opted_out, m.nudges_sent, m.nudges_sent_answered, m.nudges_received, m.nudges_received_answered";

    /// <summary>
    /// The group's cohort at <paramref name="now"/>, or null when the read model does not know the group yet. Each goal's
    /// figures are read only <paramref name="withGoals"/> (the dashboard), pairs only <paramref name="withPairs"/>.
    /// </summary>
    public async Task<Cohort?> CohortAsync(Guid groupId, DateTimeOffset now, bool withPairs, CancellationToken ct, bool withGoals = true)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        var group = new NpgsqlBatchCommand(
            $"SELECT numbers_visibility, rule_version, rule_basis, rule_minimum_due FROM {CohortTables.Groups} WHERE group_id = $1");
        group.Add(groupId);
        batch.BatchCommands.Add(group);

        // The step covering "now": the latest one starting at or before it, if it has not ended (primary key, backwards).
        var members = new NpgsqlBatchCommand(
            $"""
            SELECT {MemberColumns}, s.*
              FROM {CohortTables.Members} m
              LEFT JOIN LATERAL (SELECT {(withGoals ? StepRows.MemberColumns : StepRows.MemberColumns.Replace(", goals", ", NULL::json", StringComparison.Ordinal))}
                                   FROM {CohortTables.MemberSteps} st
                                  WHERE st.group_id = m.group_id AND st.member_id = m.member_id AND st.valid_from <= $2 AND st.valid_to > $2
                                  ORDER BY st.valid_from DESC LIMIT 1) s ON true
             WHERE m.group_id = $1 AND m.status = {(short)MembershipStatus.Active}
             ORDER BY m.joined_at, m.member_id
            """);
        members.Add(groupId);
        members.AddInstant(now);
        batch.BatchCommands.Add(members);

        if (withPairs)
        {
            var pairs = new NpgsqlBatchCommand(
                $"""
                SELECT p.pair_id, p.first_member_id, p.second_member_id, p.paired_at, p.last_interaction_at, s.*
                  FROM {CohortTables.Pairs} p
                  LEFT JOIN LATERAL (SELECT {StepRows.PairColumns} FROM {CohortTables.PairSteps} st
                                      WHERE st.pair_id = p.pair_id AND st.valid_from <= $2 AND st.valid_to > $2
                                      ORDER BY st.valid_from DESC LIMIT 1) s ON true
                 WHERE p.group_id = $1
                 ORDER BY p.paired_at, p.pair_id
                """);
            pairs.Add(groupId);
            pairs.AddInstant(now);
            batch.BatchCommands.Add(pairs);
        }

        NumbersVisibility numbers;
        LeaderboardRule rule;
        var memberRows = new List<(Guid Id, GroupRole Role, DateTimeOffset JoinedAt, bool OptedOut, NudgeCounts Nudges, MemberFigures? Figures)>();
        var pairRows = new List<(Guid Id, Guid First, Guid Second, DateTimeOffset PairedAt, DateTimeOffset? LastInteraction, PairFigures? Figures)>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            numbers = (NumbersVisibility)reader.GetInt16(0);
            rule = new LeaderboardRule(reader.GetInt32(1), (LeaderboardBasis)reader.GetInt16(2), reader.GetInt32(3));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var memberId = reader.GetGuid(0);
                memberRows.Add((
                    memberId,
                    (GroupRole)reader.GetInt16(1),
                    reader.GetInstant(2),
                    reader.GetBoolean(3),
                    new NudgeCounts(reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7)),
                    StepRows.ReadMember(reader, 8, memberId, withGoals)));
            }

            if (withPairs)
            {
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    pairRows.Add((
                        reader.GetGuid(0),
                        reader.GetGuid(1),
                        reader.GetGuid(2),
                        reader.GetInstant(3),
                        reader.GetNullableInstant(4),
                        StepRows.ReadPair(reader, 5)));
                }
            }
        }

        var stale = memberRows.Where(m => m.Figures is null).Select(m => m.Id)
            .Concat(pairRows.Where(p => p.Figures is null).SelectMany(p => new[] { p.First, p.Second }))
            .Distinct()
            .ToList();
        var computed = stale.Count == 0
            ? new Dictionary<Guid, MemberInputs>()
            : await MemberInputsAsync(connection, groupId, stale, ct);

        var cohortMembers = memberRows
            .Where(m => m.Figures is not null || computed.ContainsKey(m.Id))
            .Select(m => new CohortMember(m.Id, m.Role, m.JoinedAt, m.OptedOut, m.Nudges, m.Figures ?? CohortCalculator.FiguresAt(computed[m.Id], now)))
            .ToList();
        var cohortPairs = pairRows
            .Where(p => p.Figures is not null || (computed.ContainsKey(p.First) && computed.ContainsKey(p.Second)))
            .Select(p => new CohortPair(p.Id, p.First, p.Second, p.PairedAt, p.LastInteraction,
                p.Figures ?? CohortCalculator.PairAt(new PartnerPair(p.Id, p.First, p.Second, p.PairedAt), computed[p.First], computed[p.Second], now)))
            .ToList();
        return new Cohort(groupId, numbers, rule, cohortMembers, cohortPairs);
    }

    /// <summary>The goal with its group and owner's calendar: from the read model, or from the streams while the read model has not caught up with a new goal.</summary>
    public async Task<GoalInputs?> GoalAsync(Guid goalId, CancellationToken ct)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var command = new NpgsqlCommand(
            $"""
            SELECT g.state::text, gr.state::text, p.state::text
              FROM {CohortTables.Goals} g
              LEFT JOIN {CohortTables.Groups} gr ON gr.group_id = g.group_id
              LEFT JOIN {CohortTables.People} p ON p.member_id = g.member_id
             WHERE g.goal_id = $1
            """,
            connection))
        {
            command.Add(goalId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct) && reader.GetNullableString(1) is { } groupJson)
            {
                return new GoalInputs(
                    GoalSnapshot.FromJson(reader.GetString(0)).ToGoal(),
                    ReadModelJson.Deserialize<Group>(groupJson),
                    reader.GetNullableString(2) is { } personJson ? ReadModelJson.Deserialize<Member>(personJson) : null);
            }
        }

        // Only in the moments after a goal is set, before the daemon has projected it: fold its three short streams
        // (with the read model's connection back in the pool: the store takes its own).
        var goal = await eventStore.AggregateStreamAsync<Goal>(StreamIds.Goal(goalId), Goal.Evolve, ct: ct);
        if (goal is null)
        {
            return null;
        }

        var group = await eventStore.AggregateStreamAsync<Group>(StreamIds.Group(goal.GroupId), Group.Evolve, ct: ct);
        var person = await eventStore.AggregateStreamAsync<Member>(StreamIds.Member(goal.MemberId), Member.Evolve, ct: ct);
        return group is null ? null : new GoalInputs(GoalSnapshot.From(goal).ToGoal(), group, person);
    }

    /// <summary>A member of a group (in any status) with their goals in it and their calendar; null when the read model does not know them.</summary>
    public async Task<MemberInputs?> MemberAsync(Guid groupId, Guid memberId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var inputs = await MemberInputsAsync(connection, groupId, [memberId], ct);
        return inputs.GetValueOrDefault(memberId);
    }

    /// <summary>The pair of two members in a group with its streak now (from its step, or computed), or null when they are not partners.</summary>
    public async Task<CohortPair?> PairAsync(Guid groupId, Guid first, Guid second, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT p.pair_id, p.first_member_id, p.second_member_id, p.paired_at, p.last_interaction_at, s.*
              FROM {CohortTables.Pairs} p
              LEFT JOIN LATERAL (SELECT {StepRows.PairColumns} FROM {CohortTables.PairSteps} st
                                  WHERE st.pair_id = p.pair_id AND st.valid_from <= $4 AND st.valid_to > $4
                                  ORDER BY st.valid_from DESC LIMIT 1) s ON true
             WHERE p.group_id = $1 AND ((p.first_member_id = $2 AND p.second_member_id = $3) OR (p.first_member_id = $3 AND p.second_member_id = $2))
            """,
            connection);
        command.Add(groupId);
        command.Add(first);
        command.Add(second);
        command.AddInstant(now);
        Guid pairId, a, b;
        DateTimeOffset pairedAt;
        DateTimeOffset? interaction;
        PairFigures? figures;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            (pairId, a, b, pairedAt, interaction) = (reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInstant(3), reader.GetNullableInstant(4));
            figures = StepRows.ReadPair(reader, 5);
        }

        if (figures is null)
        {
            var inputs = await MemberInputsAsync(connection, groupId, [a, b], ct);
            if (!inputs.TryGetValue(a, out var firstInputs) || !inputs.TryGetValue(b, out var secondInputs))
            {
                return null;
            }

            figures = CohortCalculator.PairAt(new PartnerPair(pairId, a, b, pairedAt), firstInputs, secondInputs, now);
        }

        return new CohortPair(pairId, a, b, pairedAt, interaction, figures);
    }

    /// <summary>The latest version of each check-in of the given goals on or after <paramref name="from"/>, newest date first.</summary>
    public async Task<IReadOnlyList<CheckInRow>> CheckInsSinceAsync(IReadOnlyCollection<Guid> goalIds, DateOnly from, CancellationToken ct)
    {
        if (goalIds.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(
            $"""
            SELECT goal_id, date, check_in_id, group_id, member_id, done, value, note, mood, stuck, answers::text, posted_at, amended_at
              FROM {CohortTables.CheckIns} WHERE goal_id = ANY($1) AND date >= $2
             ORDER BY date DESC, goal_id
            """);
        command.Add(goalIds.ToArray());
        command.Add(from);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<CheckInRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new CheckInRow(
                reader.GetGuid(0),
                await reader.GetFieldValueAsync<DateOnly>(1, ct),
                reader.GetGuid(2),
                reader.GetGuid(3),
                reader.GetGuid(4),
                reader.GetBoolean(5),
                reader.GetNullableDecimal(6),
                reader.GetNullableString(7),
                reader.GetNullableInt16(8),
                reader.GetBoolean(9),
                ReadModelJson.Deserialize<List<PromptAnswer>>(reader.GetString(10)),
                reader.GetInstant(11),
                reader.GetNullableInstant(12)));
        }

        return rows;
    }

    /// <summary>Everything the calculator needs for the given members of a group, from the snapshots (one round trip).</summary>
    private static async Task<Dictionary<Guid, MemberInputs>> MemberInputsAsync(NpgsqlConnection connection, Guid groupId, IReadOnlyList<Guid> memberIds, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        var group = new NpgsqlBatchCommand($"SELECT state::text FROM {CohortTables.Groups} WHERE group_id = $1");
        group.Add(groupId);
        batch.BatchCommands.Add(group);
        var people = new NpgsqlBatchCommand($"SELECT member_id, state::text FROM {CohortTables.People} WHERE member_id = ANY($1)");
        people.Add(memberIds.ToArray());
        batch.BatchCommands.Add(people);
        var goals = new NpgsqlBatchCommand($"SELECT member_id, state::text FROM {CohortTables.Goals} WHERE group_id = $1 AND member_id = ANY($2)");
        goals.Add(groupId);
        goals.Add(memberIds.ToArray());
        batch.BatchCommands.Add(goals);
        var answered = new NpgsqlBatchCommand($"SELECT member_id, answered_stuck::text FROM {CohortTables.Members} WHERE group_id = $1 AND member_id = ANY($2)");
        answered.Add(groupId);
        answered.Add(memberIds.ToArray());
        batch.BatchCommands.Add(answered);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return [];
        }

        var state = ReadModelJson.Deserialize<Group>(reader.GetString(0));
        var persons = new Dictionary<Guid, Member>();
        var goalsByMember = memberIds.ToDictionary(id => id, _ => new List<Goal>());
        var answeredByMember = new Dictionary<Guid, HashSet<Guid>>();
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            persons[reader.GetGuid(0)] = ReadModelJson.Deserialize<Member>(reader.GetString(1));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            goalsByMember[reader.GetGuid(0)].Add(GoalSnapshot.FromJson(reader.GetString(1)).ToGoal());
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            answeredByMember[reader.GetGuid(0)] = ReadModelJson.Deserialize<HashSet<Guid>>(reader.GetString(1));
        }

        return memberIds
            .Where(id => state.MembershipOf(id) is not null)
            .ToDictionary(
                id => id,
                id => new MemberInputs(state, state.MembershipOf(id)!, persons.GetValueOrDefault(id), goalsByMember[id], answeredByMember.GetValueOrDefault(id) ?? []));
    }
}
