using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Accountability.Api.Tests.Infrastructure;

/// <summary>
/// The application's own endpoints, read from its <see cref="EndpointDataSource"/> so that tests iterating them
/// (access matrix, fuzzing) cover every endpoint a feature adds without being told.
/// </summary>
public static class EndpointCatalog
{
    /// <summary>One (method, route) pair of the running application.</summary>
    public sealed record ApiEndpoint(string Method, RouteEndpoint Endpoint)
    {
        public string Route => "/" + (Endpoint.RoutePattern.RawText ?? string.Empty).TrimStart('/');

        public EndpointMetadataCollection Metadata => Endpoint.Metadata;

        public bool AllowsAnonymous => Metadata.GetMetadata<IAllowAnonymous>() is not null;

        /// <summary>The CLR type of the JSON body, or null when the endpoint takes none.</summary>
        public Type? BodyType => Metadata.GetOrderedMetadata<IAcceptsMetadata>().Select(m => m.RequestType).FirstOrDefault(t => t is not null);

        public bool IsWrite => Method is "POST" or "PUT" or "PATCH" or "DELETE";

        /// <summary>A concrete URL: route parameters filled by <paramref name="value"/> (default: a sample by constraint).</summary>
        public string Url(Func<RoutePatternParameterPart, string>? value = null)
        {
            var segments = Endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternSeparatorPart separator => separator.Content,
                RoutePatternParameterPart parameter => Uri.EscapeDataString((value ?? SampleValue)(parameter)),
                _ => string.Empty,
            })));
            return "/" + string.Join('/', segments);
        }

        public override string ToString() => $"{Method} {Route}";
    }

    public static IReadOnlyList<ApiEndpoint> All(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => new ApiEndpoint(method, endpoint)))
            .OrderBy(e => e.Route, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();

    /// <summary>A well-formed value for a route parameter that names nothing that exists.</summary>
    public static string SampleValue(RoutePatternParameterPart parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var constraints = parameter.ParameterPolicies.Select(p => p.Content ?? string.Empty).ToList();
        if (constraints.Contains("guid"))
        {
            return Guid.NewGuid().ToString();
        }

        if (constraints.Any(c => c is "int" or "long"))
        {
            return "987654321";
        }

        if (constraints.Contains("datetime"))
        {
            return DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        return parameter.Name.EndsWith("id", StringComparison.OrdinalIgnoreCase) ? Guid.NewGuid().ToString() : "sample";
    }
}
