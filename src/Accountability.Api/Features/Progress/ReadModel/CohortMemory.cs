using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;

namespace Accountability.Api.Features.Progress.ReadModel;

/// <summary>
/// The group, person and goal states the cohort projection's last committed page left in its tables, kept in this
/// process for the next page, so that a busy cohort's states are not read and deserialized again page after page.
/// Trusted only by the page that starts exactly where that page ended (so every row since was written by this
/// process): after another process ran pages, a rebuild reset the checkpoint or a page rolled back, it starts
/// empty. States are immutable (the domain's <c>Evolve</c> returns new ones), so a page copies references and
/// replaces them. Bounded: past <see cref="MaxGoals"/> goals it starts empty.
/// </summary>
internal sealed class CohortMemory
{
    public const int MaxGoals = 4096;

    private readonly Lock gate = new();
    private readonly Dictionary<Guid, Group> groups = [];
    private readonly Dictionary<Guid, Member> people = [];
    private readonly Dictionary<Guid, Goal> goals = [];
    private readonly Dictionary<(Guid Group, Guid Member), Guid[]> goalsOf = [];
    private long position = -1;

    /// <summary>What a page starting after <paramref name="after"/> may take from memory; null when nothing may be trusted.</summary>
    public Kept? For(long? after)
    {
        lock (gate)
        {
            if (after is null || after != position)
            {
                Forget();
                return null;
            }

            return new Kept(this);
        }
    }

    /// <summary>Records what a committed page moving the checkpoint to <paramref name="through"/> left behind.</summary>
    /// <param name="completeGoalSets">Members whose goals in the group are all among <paramref name="pageGoals"/>.</param>
    public void Keep(
        long through,
        IReadOnlyDictionary<Guid, Group> pageGroups,
        IReadOnlyDictionary<Guid, Member> pagePeople,
        IReadOnlyDictionary<Guid, Goal> pageGoals,
        IEnumerable<(Guid Group, Guid Member)> completeGoalSets)
    {
        lock (gate)
        {
            if (goals.Count + pageGoals.Count > MaxGoals)
            {
                Forget();
            }

            foreach (var (id, group) in pageGroups)
            {
                groups[id] = group;
            }

            foreach (var (id, person) in pagePeople)
            {
                people[id] = person;
            }

            foreach (var (id, goal) in pageGoals)
            {
                goals[id] = goal;
            }

            var byMember = pageGoals.Values.ToLookup(g => (g.GroupId, g.MemberId), g => g.Id);
            foreach (var key in completeGoalSets)
            {
                goalsOf[key] = [.. byMember[key]];
            }

            position = through;
        }
    }

    private void Forget()
    {
        groups.Clear();
        people.Clear();
        goals.Clear();
        goalsOf.Clear();
        position = -1;
    }

    /// <summary>Lookups valid for one page (pages of one projection run one after another).</summary>
    internal sealed class Kept(CohortMemory memory)
    {
        public bool TryGroup(Guid id, out Group group)
        {
            lock (memory.gate)
            {
                return memory.groups.TryGetValue(id, out group!);
            }
        }

        public bool TryPerson(Guid id, out Member person)
        {
            lock (memory.gate)
            {
                return memory.people.TryGetValue(id, out person!);
            }
        }

        public bool TryGoal(Guid id, out Goal goal)
        {
            lock (memory.gate)
            {
                return memory.goals.TryGetValue(id, out goal!);
            }
        }

        /// <summary>All of the member's goals in the group, when memory has them all.</summary>
        public IReadOnlyList<Goal>? GoalsOf((Guid Group, Guid Member) key)
        {
            lock (memory.gate)
            {
                if (!memory.goalsOf.TryGetValue(key, out var ids))
                {
                    return null;
                }

                var found = new List<Goal>(ids.Length);
                foreach (var id in ids)
                {
                    if (!memory.goals.TryGetValue(id, out var goal))
                    {
                        return null;
                    }

                    found.Add(goal);
                }

                return found;
            }
        }
    }
}
