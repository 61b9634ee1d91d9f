namespace MultipartAbort.Core.Events;

/// <summary>OpenWhisk's deadline is ms since epoch, as a string.</summary>
internal sealed record OpenWhiskActivation(
    [property: JsonPropertyName("value")] JsonElement Value,
    [property: JsonPropertyName("activation_id")] string? ActivationId,
    [property: JsonPropertyName("action_name")] string? ActionName,
    [property: JsonPropertyName("deadline")] JsonElement Deadline
)
{
    /// <summary>Null (with no problem) when none was given.</summary>
    public (DateTimeOffset? Deadline, string? Problem) ReadDeadline()
    {
        long ms;
        switch (Deadline.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return (null, null);
            case JsonValueKind.Number when Deadline.TryGetInt64(out ms):
                break;
            case JsonValueKind.String when long.TryParse(Deadline.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out ms):
                break;
            default:
                return (null, $"deadline must be milliseconds since the epoch (a number or a string of digits); got {Deadline.GetRawText()}");
        }
        if (ms is < 0 or > 253402300799999)
            return (null, $"deadline {ms} is out of range");
        return (DateTimeOffset.FromUnixTimeMilliseconds(ms), null);
    }
}

[JsonSerializable(typeof(OpenWhiskActivation))]
internal sealed partial class OpenWhiskJsonContext : JsonSerializerContext;
