using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Accountability.Api.Infrastructure.Http;

/// <summary>Declares the bearer scheme in the OpenAPI document so that generated clients send the access token.</summary>
internal sealed class BearerSecuritySchemeTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "Access token from POST /api/v1/account/login (or from the configured external authority).",
        };
        return Task.CompletedTask;
    }
}
