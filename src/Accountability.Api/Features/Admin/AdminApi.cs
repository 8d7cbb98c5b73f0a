using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.EventStore.Projections;
using AutoMapper;
using FluentValidation;
using MediatR;

namespace Accountability.Api.Features.Admin;

/// <summary>A projection or subscription: where it stands against the log, its state and its dead letters.</summary>
public sealed record ProjectionStatusResponse(
    string Name,
    string Lifecycle,
    long Position,
    long HighWaterMark,
    long Lag,
    string Status,
    string? Owner,
    string? LastError,
    DateTimeOffset? UpdatedAt,
    long? RebuildTarget,
    long DeadLetters,
    bool RebuildRunningHere);

public sealed record ProjectionsResponse(long HighWaterMark, IReadOnlyList<ProjectionStatusResponse> Projections);

public sealed record DeadLetterResponse(string Consumer, long Sequence, string StreamId, string EventType, string Error, DateTimeOffset FailedAt);

public sealed record RebuildAcceptedResponse(string Name, string Status);

public sealed record GetProjections : IRequest<ProjectionsResponse>;

public sealed record GetDeadLetters(string Name, int? Limit) : IRequest<IReadOnlyList<DeadLetterResponse>>;

public sealed record RebuildProjection(string Name) : IRequest<RebuildAcceptedResponse>;

internal sealed class GetDeadLettersValidator : AbstractValidator<GetDeadLetters>
{
    public GetDeadLettersValidator() => RuleFor(r => r.Limit).InclusiveBetween(1, 1000).When(r => r.Limit is not null);
}

internal sealed class AdminProfile : Profile
{
    public AdminProfile()
    {
        CreateMap<ProjectionStatus, ProjectionStatusResponse>()
            .ForCtorParam(nameof(ProjectionStatusResponse.Lifecycle), o => o.MapFrom(s => s.Lifecycle.ToString().ToLowerInvariant()))
            .ForCtorParam(nameof(ProjectionStatusResponse.UpdatedAt), o => o.MapFrom(s => s.UpdatedAt.HasValue ? s.UpdatedAt.Value.ToUniversalTime() : (DateTimeOffset?)null))
            .ForCtorParam(nameof(ProjectionStatusResponse.RebuildRunningHere), o => o.MapFrom(_ => false));
        CreateMap<DeadLetter, DeadLetterResponse>();
    }
}

internal sealed class AdminHandlers(IProjectionAdmin admin, ProjectionRebuilds rebuilds, IMapper mapper)
    : IRequestHandler<GetProjections, ProjectionsResponse>,
      IRequestHandler<GetDeadLetters, IReadOnlyList<DeadLetterResponse>>,
      IRequestHandler<RebuildProjection, RebuildAcceptedResponse>
{
    public async Task<ProjectionsResponse> Handle(GetProjections request, CancellationToken cancellationToken)
    {
        var statuses = await admin.GetStatusAsync(cancellationToken);
        var rows = statuses
            .Select(s => mapper.Map<ProjectionStatusResponse>(s) with { RebuildRunningHere = rebuilds.IsRunning(s.Name) })
            .ToList();
        return new ProjectionsResponse(statuses.Count == 0 ? 0 : statuses.Max(s => s.HighWaterMark), rows);
    }

    public async Task<IReadOnlyList<DeadLetterResponse>> Handle(GetDeadLetters request, CancellationToken cancellationToken)
    {
        await RequireKnownAsync(request.Name, cancellationToken);
        var letters = await admin.GetDeadLettersAsync(request.Name, request.Limit ?? 100, cancellationToken);
        return mapper.Map<List<DeadLetterResponse>>(letters);
    }

    public async Task<RebuildAcceptedResponse> Handle(RebuildProjection request, CancellationToken cancellationToken)
    {
        var status = await RequireKnownAsync(request.Name, cancellationToken);
        if (status.Lifecycle == ProjectionLifecycle.Subscription)
        {
            throw ProblemException.Conflict($"'{request.Name}' is a subscription: its effects are outside the store and are not replayed.");
        }

        return rebuilds.TryStart(request.Name)
            ? new RebuildAcceptedResponse(request.Name, "started")
            : throw ProblemException.Conflict($"A rebuild of '{request.Name}' is already running.");
    }

    private async Task<ProjectionStatus> RequireKnownAsync(string name, CancellationToken ct) =>
        (await admin.GetStatusAsync(ct)).FirstOrDefault(s => s.Name == name)
        ?? throw ProblemException.NotFound($"No projection or subscription is named '{name}'.");
}

/// <summary>
/// <c>/api/v1/admin</c>: projection status and lag, dead letters, rebuilds. For operators only (see
/// <see cref="AdminSettings"/>); health without data is at <c>/health/live</c> and <c>/health/ready</c>.
/// </summary>
public static class AdminApi
{
    public static WebApplication MapAdminApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var admin = app.MapGroup("/api/v1/admin").WithTags("Admin").RequireAccess(AdminRules.ServiceAdmin);

        admin.MapGet("/projections", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetProjections(), ct)))
            .WithName("GetProjections");

        admin.MapGet("/projections/{name}/dead-letters", async (string name, int? limit, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetDeadLetters(name, limit), ct)))
            .WithName("GetDeadLetters")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapPost("/projections/{name}/rebuild", async (string name, IMediator mediator, CancellationToken ct) =>
                TypedResults.Accepted($"/api/v1/admin/projections", await mediator.Send(new RebuildProjection(name), ct)))
            .WithName("RebuildProjection")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }
}
