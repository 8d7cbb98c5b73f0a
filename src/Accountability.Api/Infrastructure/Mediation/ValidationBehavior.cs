using System.Text.Json;
using Accountability.Api.Infrastructure.Http.Problems;
using FluentValidation;
using MediatR;

namespace Accountability.Api.Infrastructure.Mediation;

/// <summary>
/// Runs every validator of the request before its handler; any failure becomes a 400 validation problem
/// whose <c>errors</c> are keyed by the camelCase field names the client sent.
/// </summary>
internal sealed class ValidationBehavior<TRequest, TResponse>(IEnumerable<IValidator<TRequest>> validators)
    : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Dictionary<string, List<string>>? errors = null;
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(new ValidationContext<TRequest>(request), cancellationToken);
            foreach (var failure in result.Errors)
            {
                errors ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
                var field = FieldName(failure.PropertyName);
                if (!errors.TryGetValue(field, out var messages))
                {
                    errors[field] = messages = [];
                }

                messages.Add(failure.ErrorMessage);
            }
        }

        if (errors is not null)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "One or more fields are invalid.")
            {
                Errors = errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal),
            };
        }

        return await next();
    }

    /// <summary><c>Goal.Title</c> becomes <c>goal.title</c>, as the field appears in the JSON body.</summary>
    private static string FieldName(string propertyName) =>
        string.IsNullOrEmpty(propertyName)
            ? "$"
            : string.Join('.', propertyName.Split('.').Select(part => JsonNamingPolicy.CamelCase.ConvertName(part)));
}
