namespace Accountability.Api.Features.Members;

/// <summary>A declared pause. <c>lastDate</c> null: until ended. <c>endedAfter</c>: the last paused day once ended early.</summary>
public sealed record PauseResponse(
    Guid PauseId,
    DateOnly FirstDate,
    DateOnly? LastDate,
    string Reason,
    string? Note,
    DateTimeOffset DeclaredAt,
    DateOnly? EndedAfter,
    DateTimeOffset? EndedAt);
