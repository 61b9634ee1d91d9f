namespace MultipartAbort.Core.Events;

// By hand, so that every rejection names the field and what it got.
internal static class JsonFields
{
    internal static string? Unknown(JsonElement e, string path, string[] known, out string field)
    {
        var unknown = e.EnumerateObject().Select(p => p.Name).Where(n => !known.Contains(n, StringComparer.Ordinal)).Take(4).ToArray();
        field = unknown.Length == 0 ? "" : path + unknown[0];
        if (unknown.Length == 0)
            return null;
        var where = path.Length == 0 ? "the request" : path.TrimEnd('.');
        return $"{where} has unknown field{(unknown.Length > 1 ? "s" : "")} {string.Join(", ", unknown.Select(n => $"'{Truncate(n)}'"))}; known: {string.Join(", ", known)}";
    }

    internal static string? RequiredString(JsonElement e, string name, string path, Problems errors)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return Reject(errors, $"{path}{name}", "is missing");
        var s = OptionalString(e, name, path, errors);
        return s is "" ? Reject(errors, $"{path}{name}", "is empty") : s;
    }

    // A JSON string may escape a lone surrogate (\ud800), which is no text at all: reject it by name.
    internal static string? OptionalString(JsonElement e, string name, string path, Problems errors) =>
        Field(e, name, path, errors, v => v.ValueKind == JsonValueKind.String, "must be a string") is not { } v ? null
        : SafeString(v) is { } s ? s
        : Reject(errors, $"{path}{name}", "is not valid Unicode (it escapes a lone UTF-16 surrogate)");

    internal static int? OptionalInt(JsonElement e, string name, string path, Problems errors) =>
        Field(e, name, path, errors, v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) && i >= 0, "must be a whole number of 0 or more")?.GetInt32();

    internal static bool? OptionalBool(JsonElement e, string name, string path, Problems errors) =>
        Field(e, name, path, errors, v => v.ValueKind is JsonValueKind.True or JsonValueKind.False, "must be true or false")?.GetBoolean();

    // Null when absent or null; a value of the wrong kind is a problem naming the field and what it got.
    internal static JsonElement? Field(JsonElement e, string name, string path, Problems errors, Func<JsonElement, bool> fits, string rule)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return null;
        if (fits(v))
            return v;
        errors.Add($"{path}{name}", $"{rule}; got {Describe(v)}");
        return null;
    }

    private static string? Reject(Problems errors, string field, string what)
    {
        errors.Add(field, what);
        return null;
    }

    internal static string Describe(JsonElement v) =>
        v.ValueKind switch
        {
            JsonValueKind.String => $"the string \"{Truncate(SafeString(v) ?? "(invalid Unicode)")}\"",
            JsonValueKind.Number => $"the number {Truncate(v.GetRawText())}",
            JsonValueKind.True or JsonValueKind.False => $"{v.GetRawText()}",
            JsonValueKind.Null => "null",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            _ => "nothing",
        };

    // Null for a string escaping a lone surrogate.
    private static string? SafeString(JsonElement v)
    {
        try
        {
            return v.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    internal static string Truncate(string s) => s.Length <= 64 ? s : s[..61] + "...";
}
