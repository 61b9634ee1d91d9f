using System.Text.Json.Nodes;
using Amazon.SQS.Model;
using MultipartAbort.Testing;

namespace MultipartAbort.Lambda.Tests.Infrastructure;

/// <summary>What Lambda gives the bootstrap and its events, as the end-to-end tests hand them over.</summary>
internal static class LambdaEnvironment
{
    /// <summary>moto's function environment (with <paramref name="extra"/>) plus what Lambda sets in the sandbox.</summary>
    public static Dictionary<string, string?> For(MotoServer moto, FakeRuntimeApi api, params (string Name, string? Value)[] extra) =>
        Apply(moto.FunctionEnvironment(extra), api);

    /// <summary>Sets the Runtime API address, the function's name, memory and version, the region and credentials, and HOME.</summary>
    public static Dictionary<string, string?> Apply(Dictionary<string, string?> env, FakeRuntimeApi api)
    {
        env["AWS_LAMBDA_RUNTIME_API"] = api.Address;
        env["AWS_LAMBDA_FUNCTION_NAME"] = "multipart-abort";
        env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "256";
        env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        env["AWS_REGION"] = "us-east-1";
        env["AWS_ACCESS_KEY_ID"] = "testing";
        env["AWS_SECRET_ACCESS_KEY"] = "testing";
        env["HOME"] = Path.GetTempPath();
        return env;
    }

    /// <summary>An SQS event as the event source mapping delivers it, one record per (messageId, receiptHandle, body).</summary>
    public static string SqsEvent(IEnumerable<(string MessageId, string ReceiptHandle, string Body)> records) =>
        new JsonObject
        {
            ["Records"] = new JsonArray(
                [
                    .. records.Select(r => (JsonNode)
                        new JsonObject
                        {
                            ["messageId"] = r.MessageId,
                            ["receiptHandle"] = r.ReceiptHandle,
                            ["body"] = r.Body,
                            ["eventSource"] = "aws:sqs",
                            ["eventSourceARN"] = "arn:aws:sqs:us-east-1:123456789012:multipart-abort-retry",
                            ["awsRegion"] = "us-east-1",
                        }
                    ),
                ]
            ),
        }.ToJsonString();

    /// <summary>The same for messages received from moto's SQS.</summary>
    public static string SqsEvent(IEnumerable<Message> messages) => SqsEvent(messages.Select(m => (m.MessageId, m.ReceiptHandle, m.Body)));
}
