using System.Buffers;

namespace MultipartAbort.Lambda.Client;

/// <summary>The error-type header and the JSON body Lambda hands the invoker.</summary>
public sealed record LambdaError(string Category, string ErrorType, string ErrorMessage, IReadOnlyList<string> StackTrace)
{
    public const string Unhandled = "Function.Unhandled";

    public const string ConfigInvalid = "Runtime.ConfigInvalid";

    public const string InitFailed = "Runtime.InitError";

    /// <summary>The Runtime API refused the answer with 413.</summary>
    public const string ResponseTooLarge = "Function.ResponseSizeTooLarge";

    public static LambdaError From(Exception exception, string category) =>
        new(
            category,
            exception.GetType().Name,
            exception.Message,
            (exception.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        );

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("errorMessage", ErrorMessage);
            json.WriteString("errorType", ErrorType);
            json.WriteStartArray("stackTrace");
            foreach (var line in StackTrace)
                json.WriteStringValue(line);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
