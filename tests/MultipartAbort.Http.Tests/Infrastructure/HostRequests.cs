using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MultipartAbort.Core.Security;

namespace MultipartAbort.Http.Tests.Infrastructure;

/// <summary>Requests as the host's callers send them: signed webhooks, CloudEvents in both modes, OpenWhisk activations.</summary>
public static class HostRequests
{
    public const string Secret = "test-webhook-secret-0123456789";

    public static HttpRequestMessage Post(string path, string body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return request;
    }

    /// <summary>Adds X-Signature over the exact body, as a caller with <paramref name="secret"/> signs at <paramref name="at"/>.</summary>
    public static HttpRequestMessage Signed(this HttpRequestMessage request, string body, string secret = Secret, DateTimeOffset? at = null)
    {
        request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.Sign(secret, (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(body)));
        return request;
    }

    /// <summary>A binary-mode CloudEvent as Code Engine's cron subscription sends it: ce-* headers, the body is the data.</summary>
    public static HttpRequestMessage BinaryCloudEvent(string data, string type = "dev.knative.sources.ping", string? id = "ping-1")
    {
        var request = Post("/", data);
        request.Headers.Add("ce-specversion", "1.0");
        if (id is not null)
            request.Headers.Add("ce-id", id);
        request.Headers.Add("ce-source", "/apis/v1/namespaces/test/pingsources/multipart-abort-tick");
        request.Headers.Add("ce-type", type);
        return request;
    }

    /// <summary>A structured-mode CloudEvent: the whole event is the JSON body.</summary>
    public static string StructuredCloudEvent(string dataJson, string type = "com.example.uploads.expired") =>
        $$"""{"specversion":"1.0","id":"evt-1","source":"/test/uploads","type":"{{type}}","datacontenttype":"application/json","data":{{dataJson}}}""";

    public static string AbortRequest(string bucket, string key, string uploadId) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["bucket"] = bucket, ["key"] = key, ["uploadId"] = uploadId });

    public static async Task<(int Status, JsonElement Body)> SendAsync(this HostProcess host, HttpRequestMessage request)
    {
        using (request)
        using (var response = await host.Client.SendAsync(request))
        {
            var text = await response.Content.ReadAsStringAsync();
            var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            return ((int)response.StatusCode, body);
        }
    }

    public static string Outcome(this JsonElement result, int index = 0) => result.GetProperty("results")[index].GetProperty("outcome").GetString()!;
}
