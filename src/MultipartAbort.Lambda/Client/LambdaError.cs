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

    public byte[] ToJson() =>
        Encoding.UTF8.GetBytes(
            ResultJson.Text(json =>
            {
                json.WriteStartObject();
                json.WriteString("errorMessage", ErrorMessage);
                json.WriteString("errorType", ErrorType);
                json.WriteStartArray("stackTrace");
                foreach (var line in StackTrace)
                    json.WriteStringValue(line);
                json.WriteEndArray();
                json.WriteEndObject();
            })
        );
}
