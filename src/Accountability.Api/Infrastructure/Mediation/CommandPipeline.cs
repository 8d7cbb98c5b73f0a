using System.Reflection;
using FluentValidation;
using MediatR;

namespace Accountability.Api.Infrastructure.Mediation;

/// <summary>
/// MediatR 5 (the version served here) wired by hand: the service factory, every request handler and every
/// FluentValidation validator in this assembly, and the pipeline behaviours in order. A feature adds a request,
/// its handler and, where the input needs it, a validator; nothing here changes.
/// </summary>
public static class CommandPipeline
{
    public static WebApplicationBuilder AddCommandPipeline(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddScoped<ServiceFactory>(provider => provider.GetService!);
        services.AddScoped<IMediator, Mediator>();

        var assembly = typeof(CommandPipeline).Assembly;
        AddClosedImplementations(services, assembly, typeof(IRequestHandler<,>), ServiceLifetime.Scoped);

        // Validators hold only their rules, which are built once: one instance serves every request.
        AddClosedImplementations(services, assembly, typeof(IValidator<>), ServiceLifetime.Singleton);

        // Behaviours run in registration order, the first outermost.
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));
        return builder;
    }

    private static void AddClosedImplementations(IServiceCollection services, Assembly assembly, Type openInterface, ServiceLifetime lifetime)
    {
        foreach (var type in assembly.GetTypes())
        {
            if (type.IsAbstract || type.IsInterface || type.IsGenericTypeDefinition)
            {
                continue;
            }

            foreach (var implemented in type.GetInterfaces())
            {
                if (implemented.IsGenericType && implemented.GetGenericTypeDefinition() == openInterface)
                {
                    services.Add(new ServiceDescriptor(implemented, type, lifetime));
                }
            }
        }
    }
}
