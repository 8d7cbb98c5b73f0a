using Accountability.Api.Identity;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.EventStore;

namespace Accountability.Api.Features.Access.Commands;

/// <summary>
/// Who is writing, and the request that caused it: the member (the acting user of every decision), their IANA
/// zone, the request's trace id as correlation and its Idempotency-Key (when sent) as causation.
/// </summary>
public sealed record Actor(Guid MemberId, string TimeZone, string? CorrelationId = null, string? CausationId = null)
{
    /// <summary>What is stored beside every event this actor causes.</summary>
    public EventMetadata Metadata => new(CorrelationId, CausationId, MemberId.ToString(), TimeZone);
}

/// <summary>The actor of the current HTTP request (scoped).</summary>
internal sealed class RequestActor(CurrentUser user, IHttpContextAccessor accessor)
{
    public Actor Current
    {
        get
        {
            var http = accessor.HttpContext;
            var idempotencyKey = http?.Request.Headers[IdempotencyFilter.HeaderName].ToString();
            return new Actor(
                user.MemberId,
                user.TimeZone,
                http is null ? null : ProblemResponses.TraceId(http),
                string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey);
        }
    }
}
