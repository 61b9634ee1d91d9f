using System.Text.Json;

namespace MultipartAbort.Lambda.Tests.Infrastructure;

/// <summary>What the runtime posted for an invocation (or for start-up): the route, the headers that matter, the body.</summary>
public sealed record RecordedAnswer(string Kind, string Body, string? ContentType, string? ErrorType)
{
    public const string Response = "response";
    public const string Error = "error";
    public const string InitError = "init/error";

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}
