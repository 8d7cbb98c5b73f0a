using System.Text.Json;
using Accountability.Domain.Common;

namespace Accountability.Domain.Tests.Support;

/// <summary>Given events / when a decision / then events or an error, for any aggregate's Evolve.</summary>
public sealed class Spec<TState>(Func<TState?, object, TState?> evolve)
    where TState : class
{
    private readonly List<object> history = [];

    public TState? State => history.Aggregate((TState?)null, evolve);

    public Spec<TState> Given(params object[] events)
    {
        history.AddRange(events);
        return this;
    }

    public Outcome When(Func<TState?, IReadOnlyList<object>> decide)
    {
        ArgumentNullException.ThrowIfNull(decide);
        try
        {
            return new Outcome(decide(State), null);
        }
        catch (DomainException error)
        {
            return new Outcome(null, error);
        }
    }
}

public static class Spec
{
    public static Spec<TState> For<TState>(Func<TState?, object, TState?> evolve)
        where TState : class => new(evolve);
}

public sealed class Outcome(IReadOnlyList<object>? events, DomainException? error)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public IReadOnlyList<object> Events => events ?? throw new Xunit.Sdk.XunitException($"Expected events but the decision failed: {error!.Message}");

    /// <summary>Exactly these events, compared by stable name and JSON content.</summary>
    public void Then(params object[] expected)
    {
        Assert.Equal(Describe(expected), Describe(Events));
    }

    public void ThenNothing() => Assert.Empty(Events);

    public T Single<T>()
    {
        var only = Assert.Single(Events);
        return Assert.IsType<T>(only);
    }

    /// <summary>The decision failed with this code (among its errors) and kind; returns that error.</summary>
    public DomainError ThenFails(ErrorKind kind, string code)
    {
        if (error is null)
        {
            throw new Xunit.Sdk.XunitException($"Expected {code} but the decision returned {events!.Count} event(s): {string.Join(", ", Describe(events))}");
        }

        var found = error.Errors.FirstOrDefault(e => e.Code == code)
            ?? throw new Xunit.Sdk.XunitException($"Expected {code} but got {string.Join(", ", error.Errors.Select(e => e.Code))}");
        Assert.Equal(kind, found.Kind);
        return found;
    }

    private static List<string> Describe(IEnumerable<object> list) =>
        list.Select(e => $"{DomainEvents.NameOf(e)} {JsonSerializer.Serialize(e, e.GetType(), Web)}").ToList();
}
