using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.RateLimiting;
using MediatR;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>
/// <c>/api/v1/account</c>: register, sign in, refresh, sign out, profile, password, two-step sign-in, sessions. Each endpoint maps HTTP to one
/// command; validation, problems and rate limits come from the edge.
/// </summary>
public static class AccountApi
{
    public const string Prefix = "/api/v1/account";

    public static WebApplication MapAccountApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var account = app.MapGroup(Prefix).WithTags("Account");

        account.MapPost("/register", async (RegisterRequest request, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var tokens = await mediator.Send(
                    new Register(request.Email ?? string.Empty, request.Password ?? string.Empty, request.DisplayName ?? string.Empty, request.TimeZone ?? string.Empty),
                    cancellationToken);
                return TypedResults.Created(Prefix + "/profile", tokens);
            })
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("Register")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        account.MapPost("/login", async (LoginRequest request, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(
                    new Login(request.Email ?? string.Empty, request.Password ?? string.Empty, request.TwoFactorCode, request.RecoveryCode),
                    cancellationToken)))
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("Login")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        account.MapPost("/refresh", async (RefreshRequest request, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new Refresh(request.RefreshToken ?? string.Empty), cancellationToken)))
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("RefreshTokens")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        account.MapPost("/logout", async (IMediator mediator, CancellationToken cancellationToken) =>
            {
                await mediator.Send(new Logout(), cancellationToken);
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRule.Authenticated)
            .WithName("Logout");

        account.MapGet("/profile", async (IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new GetProfile(), cancellationToken)))
            .RequireAccess(AccessRule.Authenticated)
            .WithName("GetProfile");

        account.MapPut("/profile", async (UpdateProfileRequest request, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new UpdateProfile(request.DisplayName ?? string.Empty, request.TimeZone ?? string.Empty), cancellationToken)))
            .RequireAccess(AccessRule.Authenticated)
            .WithName("UpdateProfile")
            .ProducesValidationProblem();

        account.MapPost("/password", async (ChangePasswordRequest request, IMediator mediator, CancellationToken cancellationToken) =>
            {
                await mediator.Send(new ChangePassword(request.CurrentPassword ?? string.Empty, request.NewPassword ?? string.Empty), cancellationToken);
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRule.Authenticated)
            .WithName("ChangePassword")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        MapTwoFactor(account.MapGroup("/two-factor"));
        MapSessions(account.MapGroup("/sessions"));
        return app;
    }

    /// <summary>The member's signed-in devices: list them, sign one out, or all but this one.</summary>
    private static void MapSessions(RouteGroupBuilder sessions)
    {
        sessions.MapGet("/", async (IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new ListSessions(), cancellationToken)))
            .RequireAccess(AccessRule.Authenticated)
            .WithName("ListSessions");

        sessions.MapDelete("/{sessionId:guid}", async (Guid sessionId, IMediator mediator, CancellationToken cancellationToken) =>
            {
                await mediator.Send(new EndSession(sessionId), cancellationToken);
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRule.Authenticated)
            .WithName("EndSession")
            .ProducesProblem(StatusCodes.Status404NotFound);

        sessions.MapPost("/end-others", async (IMediator mediator, CancellationToken cancellationToken) =>
            {
                await mediator.Send(new EndOtherSessions(), cancellationToken);
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRule.Authenticated)
            .WithName("EndOtherSessions");
    }

    /// <summary>Two-step sign-in: set up an authenticator app, turn it on or off, renew the recovery codes.</summary>
    private static void MapTwoFactor(RouteGroupBuilder twoFactor)
    {
        twoFactor.MapGet("/", async (IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new GetTwoFactorStatus(), cancellationToken)))
            .RequireAccess(AccessRule.Authenticated)
            .WithName("GetTwoFactorStatus");

        twoFactor.MapPost("/authenticator", async (IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new StartAuthenticatorSetup(), cancellationToken)))
            .RequireAccess(AccessRule.Authenticated)
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("StartAuthenticatorSetup")
            .ProducesProblem(StatusCodes.Status409Conflict);

        twoFactor.MapPost("/enable", async (TwoFactorConfirmationRequest request, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new EnableTwoFactor(request.Password ?? string.Empty, request.Code ?? string.Empty), cancellationToken)))
            .RequireAccess(AccessRule.Authenticated)
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("EnableTwoFactor")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        twoFactor.MapPost("/disable", async (TwoFactorConfirmationRequest request, IMediator mediator, CancellationToken cancellationToken) =>
            {
                await mediator.Send(new DisableTwoFactor(request.Password ?? string.Empty, request.Code, request.RecoveryCode), cancellationToken);
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRule.Authenticated)
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("DisableTwoFactor")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        twoFactor.MapPost("/recovery-codes", async (TwoFactorConfirmationRequest request, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new RenewRecoveryCodes(request.Password ?? string.Empty, request.Code, request.RecoveryCode), cancellationToken)))
            .RequireAccess(AccessRule.Authenticated)
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("RenewRecoveryCodes")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
