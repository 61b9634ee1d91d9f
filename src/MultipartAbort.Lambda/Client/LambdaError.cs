using System.Buffers;
using System.Text.Json;

namespace MultipartAbort.Lambda.Client;

/// <summary>An error as the Runtime API takes it: the error-type header and the JSON body Lambda hands the invoker.</summary>
public sealed record LambdaError(string Category, string ErrorType, string ErrorMessage, IReadOnlyList<string> StackTrace)
{
    /// <summary>An exception thrown while handling an invocation.</summary>
    public const string Unhandled = "Function.Unhandled";

    /// <summary>The environment is wrong: the function cannot start until it is fixed.</summary>
    public const string ConfigInvalid = "Runtime.ConfigInvalid";

    /// <summary>Start-up failed for another reason.</summary>
    public const string InitFailed = "Runtime.InitError";

    /// <summary>The answer was larger than Lambda accepts (the Runtime API refused it with 413).</summary>
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
