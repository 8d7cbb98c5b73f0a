using System.Globalization;
using System.Text;
using Accountability.Api.Identity.Accounts;
using Accountability.Api.Identity.Tokens;
using Accountability.Api.Infrastructure.Http.Problems;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Identity;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>Whether two-step sign-in is on, and how many unused recovery codes are left.</summary>
public sealed record TwoFactorStatusResponse(bool Enabled, int RecoveryCodesLeft);

/// <summary>
/// A new authenticator key: <see cref="SharedKey"/> to type into an authenticator app (groups of four), or
/// <see cref="AuthenticatorUri"/> (<c>otpauth://totp/...</c>) to show as a QR code. Nothing is on until a code from
/// the app confirms it.
/// </summary>
public sealed record AuthenticatorSetupResponse(string SharedKey, string AuthenticatorUri, int Digits, int PeriodSeconds);

/// <summary>One-time recovery codes, shown once: each signs in once without the authenticator app.</summary>
public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

/// <summary>The body of the two-factor changes: the account password, and a code from the app or a recovery code.</summary>
public sealed record TwoFactorConfirmationRequest(string? Password, string? Code, string? RecoveryCode);

/// <summary>GET /api/v1/account/two-factor.</summary>
public sealed record GetTwoFactorStatus : IRequest<TwoFactorStatusResponse>;

/// <summary>POST /api/v1/account/two-factor/authenticator: a new key, replacing any key not yet confirmed.</summary>
public sealed record StartAuthenticatorSetup : IRequest<AuthenticatorSetupResponse>;

/// <summary>POST /api/v1/account/two-factor/enable: the password and a code from the app; answers the recovery codes.</summary>
public sealed record EnableTwoFactor(string Password, string Code) : IRequest<RecoveryCodesResponse>;

/// <summary>POST /api/v1/account/two-factor/disable: the password, and a code from the app or a recovery code.</summary>
public sealed record DisableTwoFactor(string Password, string? Code, string? RecoveryCode) : IRequest<Unit>, ISecondFactorConfirmation;

/// <summary>POST /api/v1/account/two-factor/recovery-codes: a new set, the old codes no longer work.</summary>
public sealed record RenewRecoveryCodes(string Password, string? Code, string? RecoveryCode) : IRequest<RecoveryCodesResponse>, ISecondFactorConfirmation;

/// <summary>The shapes of authenticator and recovery codes, for every request that carries one.</summary>
internal static class TwoFactorRules
{
    public const int CodeDigits = 6;
    public const int PeriodSeconds = 30;
    public const int RecoveryCodeMaxLength = 24;

    public static IRuleBuilderOptions<T, string?> AuthenticatorCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(value => value is null || SecondFactor.NormalizeCode(value) is not null)
            .WithMessage($"Enter the {CodeDigits}-digit code your authenticator app shows.");

    /// <summary>A recovery code's shape, sent instead of (never beside) the authenticator code <paramref name="code"/>.</summary>
    public static IRuleBuilderOptions<T, string?> RecoveryCodeInsteadOf<T>(this IRuleBuilder<T, string?> rule, Func<T, string?> code) =>
        rule.Must(value => value is null || (value.Length <= RecoveryCodeMaxLength && SecondFactor.NormalizeRecoveryCode(value).Length > 0 && AccountRules.IsPlainText(value, allowSpaces: true)))
            .WithMessage("Enter one of your recovery codes, for example ABCDE-12345.")
            .Must((request, value) => value is null || code(request) is null)
            .WithMessage("Send either the authenticator code or a recovery code, not both.");
}

internal sealed class EnableTwoFactorValidator : AbstractValidator<EnableTwoFactor>
{
    public EnableTwoFactorValidator()
    {
        RuleFor(r => r.Password).PasswordShape();
        RuleFor(r => r.Code).NotEmpty().WithMessage($"Enter the {TwoFactorRules.CodeDigits}-digit code your authenticator app shows.").AuthenticatorCode();
    }
}

/// <summary>The requests that confirm a change with the password and one second factor.</summary>
internal interface ISecondFactorConfirmation
{
    string Password { get; }

    string? Code { get; }

    string? RecoveryCode { get; }
}

/// <summary>The password, and exactly one of an authenticator code and a recovery code.</summary>
internal abstract class SecondFactorConfirmationValidator<T> : AbstractValidator<T>
    where T : ISecondFactorConfirmation
{
    protected SecondFactorConfirmationValidator()
    {
        RuleFor(r => r.Password).PasswordShape();
        RuleFor(r => r.Code).NotEmpty().When(r => r.RecoveryCode is null)
            .WithMessage("Enter the code your authenticator app shows, or send a recovery code.");
        RuleFor(r => r.Code).AuthenticatorCode();
        RuleFor(r => r.RecoveryCode).RecoveryCodeInsteadOf(r => r.Code);
    }
}

internal sealed class DisableTwoFactorValidator : SecondFactorConfirmationValidator<DisableTwoFactor>;

internal sealed class RenewRecoveryCodesValidator : SecondFactorConfirmationValidator<RenewRecoveryCodes>;

/// <summary>
/// The second factor of an account: time-based codes (RFC 6238, 30 s, 6 digits, through Identity's authenticator
/// token provider, which accepts the codes of two steps either side of now) and one-time recovery codes. Every
/// accepted authenticator code is remembered for <see cref="ReplayWindow"/>, longer than any code stays valid, and
/// refused if sent again, so a code seen over a shoulder or in a log cannot be replayed. Concurrent uses of one code cannot both pass: the account row's concurrency
/// stamp lets only one of them record it.
/// </summary>
internal sealed class SecondFactor(UserManager<Account> users, TimeProvider time)
{
    public const int RecoveryCodeCount = 10;
    private const string Provider = "[Accountability]";
    private const string UsedCodesName = "UsedAuthenticatorCodes";
    private static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    /// <summary>The code's digits without the spaces apps show in the middle, or null when it is not a code.</summary>
    public static string? NormalizeCode(string code)
    {
        var digits = code.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        return digits.Length == TwoFactorRules.CodeDigits && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    /// <summary>A recovery code as issued (upper case, <c>XXXXX-XXXXX</c>), however it was typed.</summary>
    public static string NormalizeRecoveryCode(string code)
    {
        var plain = code.Trim().Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        return plain.Length == 10 && !plain.Contains('-', StringComparison.Ordinal) ? plain[..5] + "-" + plain[5..] : plain;
    }

    /// <summary>Accepts a current authenticator code once; false when it is wrong, stale or already used.</summary>
    public async Task<bool> VerifyCodeAsync(Account account, string code)
    {
        if (NormalizeCode(code) is not { } digits)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var used = UsedCodes(await users.GetAuthenticationTokenAsync(account, Provider, UsedCodesName), now);
        if (used.Any(u => u.Code == digits)
            || !await users.VerifyTwoFactorTokenAsync(account, users.Options.Tokens.AuthenticatorTokenProvider, digits))
        {
            return false;
        }

        used.Add((digits, now.ToUnixTimeSeconds()));
        var recorded = await users.SetAuthenticationTokenAsync(
            account, Provider, UsedCodesName, string.Join(';', used.Select(u => string.Create(CultureInfo.InvariantCulture, $"{u.Code}:{u.At}"))));
        return recorded.Succeeded;
    }

    /// <summary>The codes accepted within the replay window (every code still valid is among them if it was used).</summary>
    private static List<(string Code, long At)> UsedCodes(string? stored, DateTimeOffset now)
    {
        var since = (now - ReplayWindow).ToUnixTimeSeconds();
        var used = new List<(string Code, long At)>();
        foreach (var entry in (stored ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            if (entry.Split(':') is [var code, var at] && long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds >= since)
            {
                used.Add((code, seconds));
            }
        }

        return used;
    }

    /// <summary>Uses up a recovery code; false when it is not one of the account's unused codes.</summary>
    public async Task<bool> RedeemRecoveryCodeAsync(Account account, string recoveryCode) =>
        (await users.RedeemTwoFactorRecoveryCodeAsync(account, NormalizeRecoveryCode(recoveryCode))).Succeeded;

    /// <summary>Either factor, whichever was sent.</summary>
    public Task<bool> VerifyAsync(Account account, string? code, string? recoveryCode) =>
        code is not null ? VerifyCodeAsync(account, code)
        : recoveryCode is not null ? RedeemRecoveryCodeAsync(account, recoveryCode)
        : Task.FromResult(false);

    /// <summary>A new set of recovery codes; the previous ones stop working.</summary>
    public async Task<RecoveryCodesResponse> NewRecoveryCodesAsync(Account account) =>
        new([.. await users.GenerateNewTwoFactorRecoveryCodesAsync(account, RecoveryCodeCount) ?? []]);
}

/// <summary>The account the two-factor changes are about, and the password check they all start with.</summary>
internal sealed class TwoFactorAccount(UserManager<Account> users, SecondFactor secondFactor, LoginThrottle throttle, CurrentUser currentUser)
{
    public async Task<Account> CurrentAsync()
    {
        var account = await users.FindByIdAsync(currentUser.MemberId.ToString()) ?? throw ProblemException.NotFound();
        return account.PasswordHash is null
            ? throw ProblemException.Conflict("This account signs in through an external authority; two-step sign-in is set there.")
            : account;
    }

    /// <summary>The current account once its password is confirmed (same per-account budget of failures as sign-in).</summary>
    public async Task<Account> ConfirmedAsync(string password)
    {
        var account = await CurrentAsync();
        var accountName = account.Email ?? account.Id.ToString();
        throttle.EnsureAllowed(accountName);
        if (!await users.CheckPasswordAsync(account, password))
        {
            throttle.RecordFailure(accountName);
            throw ProblemException.Invalid("password", "The password is incorrect.");
        }

        return account;
    }

    /// <summary>The current account, with two-step sign-in on, once its password and a second factor are confirmed.</summary>
    public async Task<Account> ConfirmedWithSecondFactorAsync(ISecondFactorConfirmation request, string notOnDetail)
    {
        var account = await ConfirmedAsync(request.Password);
        if (!account.TwoFactorEnabled)
        {
            throw ProblemException.Conflict(notOnDetail);
        }

        return await secondFactor.VerifyAsync(account, request.Code, request.RecoveryCode)
            ? account
            : throw CodeRefused(account, request.Code is null ? "recoveryCode" : "code");
    }

    /// <summary>The refusal of a wrong second factor, counted like a wrong password.</summary>
    public ProblemException CodeRefused(Account account, string field)
    {
        throttle.RecordFailure(account.Email ?? account.Id.ToString());
        return ProblemException.Invalid(field, field == "code"
            ? "The code is wrong or was already used. Check that the device's clock is right, and use the next code."
            : "This recovery code is not one of the account's unused codes.");
    }
}

internal sealed class TwoFactorHandlers(
    AccountsDbContext db,
    UserManager<Account> users,
    SecondFactor secondFactor,
    TwoFactorAccount accounts,
    Sessions sessions,
    CurrentUser currentUser)
    : IRequestHandler<GetTwoFactorStatus, TwoFactorStatusResponse>,
        IRequestHandler<StartAuthenticatorSetup, AuthenticatorSetupResponse>,
        IRequestHandler<EnableTwoFactor, RecoveryCodesResponse>,
        IRequestHandler<DisableTwoFactor, Unit>,
        IRequestHandler<RenewRecoveryCodes, RecoveryCodesResponse>
{
    /// <summary>The name authenticator apps show beside the account.</summary>
    private const string AuthenticatorIssuer = "Accountability";

    public async Task<TwoFactorStatusResponse> Handle(GetTwoFactorStatus request, CancellationToken cancellationToken)
    {
        var account = await users.FindByIdAsync(currentUser.MemberId.ToString()) ?? throw ProblemException.NotFound();
        return new TwoFactorStatusResponse(account.TwoFactorEnabled, account.TwoFactorEnabled ? await users.CountRecoveryCodesAsync(account) : 0);
    }

    public async Task<AuthenticatorSetupResponse> Handle(StartAuthenticatorSetup request, CancellationToken cancellationToken)
    {
        var account = await accounts.CurrentAsync();
        if (account.TwoFactorEnabled)
        {
            throw ProblemException.Conflict("Two-step sign-in is already on. Turn it off first to move to another authenticator app.");
        }

        await users.ResetAuthenticatorKeyAsync(account);
        var key = await users.GetAuthenticatorKeyAsync(account) ?? throw new InvalidOperationException("The authenticator key was not stored.");
        var issuer = Uri.EscapeDataString(AuthenticatorIssuer);
        var label = Uri.EscapeDataString(account.Email ?? account.Id.ToString());
        return new AuthenticatorSetupResponse(
            Grouped(key),
            $"otpauth://totp/{issuer}:{label}?secret={key}&issuer={issuer}&digits={TwoFactorRules.CodeDigits}&period={TwoFactorRules.PeriodSeconds}",
            TwoFactorRules.CodeDigits,
            TwoFactorRules.PeriodSeconds);
    }

    public Task<RecoveryCodesResponse> Handle(EnableTwoFactor request, CancellationToken cancellationToken) =>
        AllOrNothingAsync(() => EnableAsync(request, cancellationToken), cancellationToken);

    public Task<Unit> Handle(DisableTwoFactor request, CancellationToken cancellationToken) =>
        AllOrNothingAsync(() => DisableAsync(request), cancellationToken);

    public Task<RecoveryCodesResponse> Handle(RenewRecoveryCodes request, CancellationToken cancellationToken) =>
        AllOrNothingAsync(
            async () => await secondFactor.NewRecoveryCodesAsync(
                await accounts.ConfirmedWithSecondFactorAsync(request, "Two-step sign-in is not on, so there are no recovery codes.")),
            cancellationToken);

    /// <summary>
    /// A change made of several writes (the switch, the codes, the key, the sessions) in one transaction: if one
    /// fails none stays, so an account is never left on without recovery codes, or off with its old key.
    /// </summary>
    private async Task<T> AllOrNothingAsync<T>(Func<Task<T>> change, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await change();
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private async Task<RecoveryCodesResponse> EnableAsync(EnableTwoFactor request, CancellationToken cancellationToken)
    {
        var account = await accounts.ConfirmedAsync(request.Password);
        if (account.TwoFactorEnabled)
        {
            throw ProblemException.Conflict("Two-step sign-in is already on.");
        }

        if (await users.GetAuthenticatorKeyAsync(account) is null)
        {
            throw ProblemException.Conflict("There is no authenticator key to confirm yet: start with POST /api/v1/account/two-factor/authenticator.");
        }

        if (!await secondFactor.VerifyCodeAsync(account, request.Code))
        {
            throw accounts.CodeRefused(account, "code");
        }

        await users.SetTwoFactorEnabledAsync(account, true);
        var codes = await secondFactor.NewRecoveryCodesAsync(account);

        // Sessions begun with the password alone end: from now on a sign-in needs the second factor.
        await sessions.RevokeOthersAsync(account.Id, currentUser.SessionId, "two-factor-enabled", cancellationToken);
        return codes;
    }

    private async Task<Unit> DisableAsync(DisableTwoFactor request)
    {
        var account = await accounts.ConfirmedWithSecondFactorAsync(request, "Two-step sign-in is not on.");

        await users.SetTwoFactorEnabledAsync(account, false);
        await users.GenerateNewTwoFactorRecoveryCodesAsync(account, 0);

        // The old key must not come back to life with a later "enable": a new one is drawn (and shown only on setup).
        await users.ResetAuthenticatorKeyAsync(account);
        return Unit.Value;
    }

    /// <summary>The key in lower-case groups of four, as authenticator apps ask for it.</summary>
    private static string Grouped(string key)
    {
        var grouped = new StringBuilder(key.Length + (key.Length / 4));
        for (var i = 0; i < key.Length; i++)
        {
            if (i > 0 && i % 4 == 0)
            {
                grouped.Append(' ');
            }

            grouped.Append(char.ToLowerInvariant(key[i]));
        }

        return grouped.ToString();
    }
}
