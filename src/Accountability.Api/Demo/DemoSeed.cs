using Accountability.Api.Identity.AccountEndpoints;
using Accountability.Api.Identity.Accounts;
using MediatR;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Accountability.Api.Demo;

/// <summary>
/// <c>infra/run.sh --demo</c> (or <c>Demo:Enabled=true</c>): on an empty database, a living cohort a newcomer can
/// sign into at once: a coach and twelve members (real accounts, passwords printed at start-up), six weeks of
/// history made by the real decisions (streaks, lapses and comebacks, a pause, stuck requests, partner pairs,
/// nudges, kudos, comments, announcements, corrections, wins). Does nothing when the demo coach exists, and never
/// writes into a database that already holds other events.
/// </summary>
public static class DemoSeed
{
    public const string Flag = "--demo";

    public static WebApplicationBuilder AddDemoSeed(this WebApplicationBuilder builder, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(args);
        var fromArgs = args.Contains(Flag, StringComparer.Ordinal);
        if (!fromArgs && !builder.Configuration.GetValue("Demo:Enabled", false))
        {
            return builder;
        }

        if (fromArgs)
        {
            // A bare "--demo" makes the command-line provider take the next argument as its value (often "--urls"):
            // read the arguments again without it, so those settings apply as given.
            builder.Configuration.AddCommandLine(args.Where(a => a != Flag).ToArray());
        }

        builder.Services.AddSingleton<DemoSeedStatus>();
        builder.Services.AddHostedService<DemoSeeder>();
        return builder;
    }
}

/// <summary>When the demo cohort is in place (tests wait on it).</summary>
public sealed class DemoSeedStatus
{
    private readonly TaskCompletionSource<bool> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True when this start seeded the cohort, false when it was there already or the database was not empty.</summary>
    public Task<bool> Completion => completion.Task;

    internal void Done(bool seeded) => completion.TrySetResult(seeded);

    internal void Failed(Exception exception) => completion.TrySetException(exception);
}

/// <summary>Seeds once the service has started (schemas applied), in the background, then prints the accounts.</summary>
internal sealed partial class DemoSeeder(
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    DemoSeedStatus status,
    ILogger<DemoSeeder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WaitForStartAsync(stoppingToken);
            await using var scope = services.CreateAsyncScope();
            var provider = scope.ServiceProvider;
            var users = provider.GetRequiredService<UserManager<Account>>();
            if (await users.FindByEmailAsync(DemoCohort.Coach.Email) is not null)
            {
                PrintAccounts("The demo cohort is already in place.");
                status.Done(false);
                return;
            }

            if (await HasEventsAsync(provider.GetRequiredService<NpgsqlDataSource>(), stoppingToken))
            {
                LogNotEmpty(logger);
                status.Done(false);
                return;
            }

            var mediator = provider.GetRequiredService<IMediator>();
            var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
            foreach (var person in DemoCohort.People)
            {
                var tokens = await mediator.Send(new Register(person.Email, DemoCohort.Password, person.Name, person.TimeZone), stoppingToken);
                ids[person.Key] = tokens.MemberId;
            }

            var summary = await new DemoHistory(provider, ids).WriteAsync(stoppingToken);
            LogSeeded(logger, summary.Events, summary.CheckIns);
            PrintAccounts($"Demo cohort \"{DemoCohort.GroupName}\" created: {summary.CheckIns} check-ins over six weeks.");
            status.Done(true);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            status.Done(false);
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception);
            status.Failed(exception);
        }
    }

    private async Task WaitForStartAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(ct);
    }

    private static async Task<bool> HasEventsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM es.events)");
        return await command.ExecuteScalarAsync(ct) is true;
    }

    private static void PrintAccounts(string headline)
    {
        var lines = new List<string>
        {
            string.Empty,
            "==== Accountability demo ====",
            headline,
            $"Every demo account signs in with the password: {DemoCohort.Password}",
        };
        lines.AddRange(DemoCohort.People.Select(p => $"  {(p == DemoCohort.Coach ? "coach " : "member")}  {p.Email,-34} {p.Name,-16} {p.TimeZone}"));
        lines.Add("POST /api/v1/account/login with {\"email\":\"...\",\"password\":\"...\"}, then GET /api/v1/groups.");
        lines.Add("=============================");
        Console.Out.WriteLine(string.Join(Environment.NewLine, lines));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo cohort seeded: {Events} events, {CheckIns} check-ins")]
    private static partial void LogSeeded(ILogger logger, int events, int checkIns);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo seed skipped: the database already holds events that are not the demo's")]
    private static partial void LogNotEmpty(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Demo seed failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
