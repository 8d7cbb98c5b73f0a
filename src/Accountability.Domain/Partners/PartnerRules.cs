using Accountability.Domain.Common;
using Accountability.Domain.Groups;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Partners;

/// <summary>Who can be whose accountability partner.</summary>
public static class PartnerRules
{
    /// <summary>A few partners at most: more and none of them gets real attention (Duolingo caps friend streaks at 5).</summary>
    public const int MaxPartners = 3;

    /// <summary>An unanswered partner request lapses after this long, so stale asks do not surprise anyone.</summary>
    public static readonly TimeSpan RequestLifetime = TimeSpan.FromDays(14);

    public const int MessageMaxLength = 280;

    /// <summary>Refuses a pairing unless both are distinct active members, not yet paired, each under the limit.</summary>
    internal static void RequirePairable(Group group, Guid first, Guid second)
    {
        if (first == second)
        {
            throw Refuse.Validation(PartnersSelfPairing, "Not with yourself", "A member cannot be their own partner.", "secondMemberId");
        }

        foreach (var memberId in new[] { first, second })
        {
            if (!group.IsActiveMember(memberId))
            {
                throw Refuse.Conflict(PartnersMemberNotActive, "Member not active", "Both partners must be active members of the group.");
            }
        }

        if (group.ArePartners(first, second))
        {
            throw Refuse.Conflict(PartnersAlreadyPaired, "Already partners", "These two members are already partners.");
        }

        foreach (var memberId in new[] { first, second })
        {
            if (group.PairsOf(memberId).Count() >= MaxPartners)
            {
                throw Refuse.Conflict(PartnersLimitReached, "Partner limit reached", $"A member can have at most {MaxPartners} partners; one of these two already has {MaxPartners}.");
            }
        }
    }
}
