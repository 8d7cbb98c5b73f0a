using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Access;

/// <summary>Positional parameters ($1, $2, ...) for projection writes and membership reads; null becomes SQL NULL.</summary>
internal static class SqlParameters
{
    public static NpgsqlBatchCommand With(this NpgsqlBatchCommand command, object? value, NpgsqlDbType type)
    {
        command.Parameters.Add(Parameter(value, type));
        return command;
    }

    public static NpgsqlCommand With(this NpgsqlCommand command, object? value, NpgsqlDbType type)
    {
        command.Parameters.Add(Parameter(value, type));
        return command;
    }

    private static NpgsqlParameter Parameter(object? value, NpgsqlDbType type) => new()
    {
        Value = value switch
        {
            null => DBNull.Value,
            DateTimeOffset at => at.ToUniversalTime(),
            _ => value,
        },
        NpgsqlDbType = type,
    };
}
