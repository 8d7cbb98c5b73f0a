using Accountability.Domain.Common;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Partners;

/// <summary>
/// Daily nudge budgets, so nobody is flooded (CoachAccountable reports clients cancelling over
/// notification overload): per sender and receiver pair, and per receiver from everyone.
/// Days are local: the sender's for the pair budget, the receiver's for their inbox.
/// </summary>
public static class NudgeBudget
{
    public const int PerPairPerDay = 3;
    public const int ReceivedPerDay = 10;

    /// <summary>Null when a nudge may be sent; otherwise a 429 error saying which budget is spent and when it refills.</summary>
    public static DomainError? Check(int sentToReceiverToday, int receivedByReceiverToday, DateTimeOffset senderDayEndsAt, DateTimeOffset receiverDayEndsAt)
    {
        if (sentToReceiverToday >= PerPairPerDay)
        {
            return new DomainError(
                NudgePairBudgetSpent,
                "Nudge limit reached",
                $"You have nudged this member {sentToReceiverToday} times today; the limit is {PerPairPerDay} a day. Your day resets at {senderDayEndsAt:u}.",
                ErrorKind.TooManyRequests) { RetryAt = senderDayEndsAt };
        }

        if (receivedByReceiverToday >= ReceivedPerDay)
        {
            return new DomainError(
                NudgeReceiverBudgetSpent,
                "They have enough nudges today",
                $"This member has received {receivedByReceiverToday} nudges today, the most anyone gets in a day. Their day resets at {receiverDayEndsAt:u}.",
                ErrorKind.TooManyRequests) { RetryAt = receiverDayEndsAt };
        }

        return null;
    }

    public static int RemainingForPair(int sentToReceiverToday) => Math.Max(0, PerPairPerDay - sentToReceiverToday);

    public static int RemainingForReceiver(int receivedToday) => Math.Max(0, ReceivedPerDay - receivedToday);
}
