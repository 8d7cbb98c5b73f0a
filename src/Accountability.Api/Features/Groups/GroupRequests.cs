using Accountability.Api.Features.Access.Commands;
using Accountability.Domain.Groups;
using FluentValidation;

namespace Accountability.Api.Features.Groups;

/// <summary>A check-in question: send <c>promptId</c> to keep an existing one (answers stay linked), omit it for a new one.</summary>
public sealed record PromptRequest(Guid? PromptId, string? Text);

internal static class PromptRules
{
    public static IReadOnlyList<CheckInPrompt>? ToDomain(IReadOnlyList<PromptRequest?>? prompts) =>
        prompts?.Select(p => new CheckInPrompt(p?.PromptId ?? Guid.NewGuid(), p?.Text ?? string.Empty)).ToList();

    public static IRuleBuilderOptions<T, IReadOnlyList<PromptRequest?>?> ValidPrompts<T>(this IRuleBuilder<T, IReadOnlyList<PromptRequest?>?> rule) =>
        rule.Must(prompts => prompts is null || prompts.All(p => p is null || ((p.Text is null || TextRules.IsClean(p.Text, multiLine: false)) && p.PromptId != Guid.Empty)))
            .WithMessage("Each prompt needs plain one-line text, and a non-empty promptId when it keeps an existing question.");
}
