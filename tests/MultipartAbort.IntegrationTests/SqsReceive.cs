using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace MultipartAbort.IntegrationTests;

/// <summary>Reads what the function sent to a moto SQS queue.</summary>
internal static class SqsReceive
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>Receives the one message once SQS's delay has passed (long polling; the guard only stops a hang).</summary>
    public static async Task<JsonElement> OneAsync(IAmazonSQS sqs, string queue)
    {
        using var guard = new CancellationTokenSource(Guard);
        while (true)
        {
            var answer = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, MaxNumberOfMessages = 10, WaitTimeSeconds = 5 }, guard.Token);
            if (answer.Messages is { Count: > 0 } messages)
                return JsonDocument.Parse(messages.Should().ContainSingle().Which.Body).RootElement.Clone();
        }
    }
}
