namespace MultipartAbort.Core.Events;

/// <summary>Strict text: UTF-8, no lone surrogate. Nothing is replaced: U+FFFD would act on a key nobody sent.</summary>
public static class StrictText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string? Utf8Problem(ReadOnlySpan<byte> utf8)
    {
        if (System.Text.Unicode.Utf8.IsValid(utf8))
            return null;
        var valid = 0;
        while (valid < utf8.Length && System.Text.Rune.DecodeFromUtf8(utf8[valid..], out _, out var used) == System.Buffers.OperationStatus.Done)
            valid += used;
        return $"it holds bytes that are not valid UTF-8 (at byte {valid})";
    }

    public static string? Decode(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return Strict.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    public static string? SurrogateProblem(ReadOnlySpan<char> text)
    {
        for (int i = 0, used; i < text.Length; i += used)
            if (Rune.DecodeFromUtf16(text[i..], out _, out used) != System.Buffers.OperationStatus.Done)
                return $"it holds a lone UTF-16 surrogate (U+{(int)text[i]:X4} at character {i}), which is no character";
        return null;
    }

    // The JSON reader accepts escaped lone surrogates.
    public static string? JsonProblem(JsonElement element)
    {
        if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.String))
            return null;
        var reader = new Utf8JsonReader(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element), new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        var property = "";
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
                    continue;
                var name = reader.TokenType == JsonTokenType.PropertyName;
                string value;
                try
                {
                    value = reader.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    var where = name ? (property.Length == 0 ? "a property name" : $"a property name after '{JsonFields.Truncate(property)}'") : (property.Length == 0 ? "a string" : JsonFields.Truncate(property));
                    return $"{where} is not valid Unicode (it escapes a lone UTF-16 surrogate, such as \\ud800)";
                }
                if (name)
                    property = value;
            }
        }
        catch (JsonException)
        {
            // The document was parsed already; a reader disagreeing on its own raw text leaves the checks to the parser.
        }
        return null;
    }
}
