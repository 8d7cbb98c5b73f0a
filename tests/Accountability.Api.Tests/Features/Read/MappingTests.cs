using Accountability.Api.Tests.Infrastructure;
using AutoMapper;
using Microsoft.Extensions.DependencyInjection;

namespace Accountability.Api.Tests.Features.Read;

/// <summary>Every read-model-to-response map is complete: each response field has a source or an explicit default.</summary>
[Trait("Category", "Read")]
public sealed class MappingTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public void The_AutoMapper_configuration_is_valid() =>
        host.Services.GetRequiredService<IMapper>().ConfigurationProvider.AssertConfigurationIsValid();
}
