namespace Accountability.Api.Demo;

/// <summary>One demo person: account, zone, and how they behave over the six weeks.</summary>
/// <param name="Reliability">The share of due days they check in on (before lapses and pauses).</param>
/// <param name="Hour">The local hour they usually check in at.</param>
internal sealed record DemoPerson(string Key, string Name, string Email, string TimeZone, double Reliability = 0, int Hour = 20);

/// <summary>The demo cast. Passwords are shared and printed at start-up: this is a demo, never a real cohort.</summary>
internal static class DemoCohort
{
    public const string Password = "steady-progress-42";
    public const string GroupName = "Spring Momentum Cohort";

    public static readonly DemoPerson Coach = new("coach", "Coach Rosa", "coach@demo.accountability.test", "Europe/London");

    public static readonly DemoPerson Maya = new("maya", "Maya Patel", "maya@demo.accountability.test", "Europe/London", 0.95, 7);
    public static readonly DemoPerson Liam = new("liam", "Liam O'Brien", "liam@demo.accountability.test", "Europe/London", 0.72, 21);
    public static readonly DemoPerson Sofia = new("sofia", "Sofia Garcia", "sofia@demo.accountability.test", "America/New_York", 0.88, 18);
    public static readonly DemoPerson Noah = new("noah", "Noah Williams", "noah@demo.accountability.test", "Europe/London", 0.9, 8);
    public static readonly DemoPerson Aisha = new("aisha", "Aisha Rahman", "aisha@demo.accountability.test", "Asia/Singapore", 0.85, 19);
    public static readonly DemoPerson Ethan = new("ethan", "Ethan Brooks", "ethan@demo.accountability.test", "America/New_York", 0.7, 22);
    public static readonly DemoPerson Hana = new("hana", "Hana Sato", "hana@demo.accountability.test", "Asia/Singapore", 0.9, 6);
    public static readonly DemoPerson Oliver = new("oliver", "Oliver Smith", "oliver@demo.accountability.test", "Europe/London", 0.92, 17);
    public static readonly DemoPerson Zara = new("zara", "Zara Ahmed", "zara@demo.accountability.test", "Australia/Sydney", 0.86, 20);
    public static readonly DemoPerson Lucas = new("lucas", "Lucas Meyer", "lucas@demo.accountability.test", "Europe/London", 0.8, 12);
    public static readonly DemoPerson Emma = new("emma", "Emma Johnson", "emma@demo.accountability.test", "America/New_York", 0.93, 19);
    public static readonly DemoPerson Kai = new("kai", "Kai Nakamura", "kai@demo.accountability.test", "Europe/London", 0.65, 9);

    public static readonly IReadOnlyList<DemoPerson> Members = [Maya, Liam, Sofia, Noah, Aisha, Ethan, Hana, Oliver, Zara, Lucas, Emma, Kai];

    public static readonly IReadOnlyList<DemoPerson> People = [Coach, .. Members];
}
