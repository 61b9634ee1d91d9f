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
        {
            errors.Add($"{path}{name}", $"is missing");
            return null;
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{path}{name}", $"must be a string; got {Describe(v)}");
            return null;
        }
        if (ReadString(v, name, path, errors) is not { } s)
            return null;
        if (s.Length == 0)
        {
            errors.Add($"{path}{name}", $"is empty");
            return null;
        }
        return s;
    }

    internal static string? OptionalString(JsonElement e, string name, string path, Problems errors)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return null;
        if (v.ValueKind == JsonValueKind.String)
            return ReadString(v, name, path, errors);
        errors.Add($"{path}{name}", $"must be a string; got {Describe(v)}");
        return null;
    }

    // A JSON string may escape a lone surrogate (\ud800), which is no text at all: reject it by name.
    internal static string? ReadString(JsonElement v, string name, string path, Problems errors)
    {
        try
        {
            return v.GetString();
        }
        catch (InvalidOperationException)
        {
            errors.Add($"{path}{name}", $"is not valid Unicode (it escapes a lone UTF-16 surrogate)");
            return null;
        }
    }

    internal static int? OptionalInt(JsonElement e, string name, string path, Problems errors)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) && i >= 0)
            return i;
        errors.Add($"{path}{name}", $"must be a whole number of 0 or more; got {Describe(v)}");
        return null;
    }

    internal static bool? OptionalBool(JsonElement e, string name, string path, Problems errors)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return null;
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return v.GetBoolean();
        errors.Add($"{path}{name}", $"must be true or false; got {Describe(v)}");
        return null;
    }

    internal static string Describe(JsonElement v) =>
        v.ValueKind switch
        {
            JsonValueKind.String => $"the string \"{Truncate(SafeString(v))}\"",
            JsonValueKind.Number => $"the number {Truncate(v.GetRawText())}",
            JsonValueKind.True or JsonValueKind.False => $"{v.GetRawText()}",
            JsonValueKind.Null => "null",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            _ => "nothing",
        };

    internal static string SafeString(JsonElement v)
    {
        try
        {
            return v.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return "(invalid Unicode)";
        }
    }

    internal static string Truncate(string s) => s.Length <= 64 ? s : s[..61] + "...";
}
