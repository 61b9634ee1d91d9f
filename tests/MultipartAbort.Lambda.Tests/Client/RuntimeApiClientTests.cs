using System.Text;
using MultipartAbort.Lambda.Client;
using MultipartAbort.Lambda.Tests.Infrastructure;

namespace MultipartAbort.Lambda.Tests.Client;

public sealed class RuntimeApiClientTests
{
    [Fact]
    public async Task GetNextInvocation_ReadsTheEventAndEveryDocumentedHeader()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        using var client = new RuntimeApiClient(api.Address);
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_123);
        _ = api.Enqueue(new PendingInvocation("req-1", """{"bucket":"b"}""") { Deadline = deadline, TraceHeader = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1" });

        var request = await client.GetNextInvocationAsync(CancellationToken.None);

        request.RequestId.Should().Be("req-1");
        Encoding.UTF8.GetString(request.Event).Should().Be("""{"bucket":"b"}""");
        request.Deadline.Should().Be(deadline);
        request.InvokedFunctionArn.Should().Be("arn:aws:lambda:us-east-1:123456789012:function:multipart-abort");
        request.TraceHeader.Should().Be("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1");
    }

    [Fact]
    public async Task GetNextInvocation_WithoutADeadlineHeader_LeavesTheDeadlineUnset()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        using var client = new RuntimeApiClient(api.Address);
        _ = api.Enqueue(new PendingInvocation("req-1", "{}") { FunctionArn = null });

        var request = await client.GetNextInvocationAsync(CancellationToken.None);

        request.Deadline.Should().BeNull();
        request.InvokedFunctionArn.Should().BeNull();
        request.TraceHeader.Should().BeNull();
    }

    [Fact]
    public async Task SendResponse_PostsTheBodyToTheInvocationsResponseRoute()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        using var client = new RuntimeApiClient(api.Address);
        var answer = api.Enqueue("req-1", "{}");
        var request = await client.GetNextInvocationAsync(CancellationToken.None);

        await client.SendResponseAsync(request.RequestId, Encoding.UTF8.GetBytes("""{"results":[]}"""), CancellationToken.None);

        var recorded = await answer.WaitAsync(TimeSpan.FromMinutes(1));
        recorded.Kind.Should().Be(RecordedAnswer.Response);
        recorded.Body.Should().Be("""{"results":[]}""");
        recorded.ContentType.Should().Be("application/json");
    }

    [Fact]
    public async Task SendError_UsesTheErrorMediaTypeTheErrorTypeHeaderAndTheDocumentedBody()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        using var client = new RuntimeApiClient(api.Address);
        var answer = api.Enqueue("req-1", "{}");
        var request = await client.GetNextInvocationAsync(CancellationToken.None);
        var error = LambdaError.From(Thrown(new InvalidOperationException("the store said no")), LambdaError.Unhandled);

        await client.SendErrorAsync(request.RequestId, error, CancellationToken.None);

        var recorded = await answer.WaitAsync(TimeSpan.FromMinutes(1));
        recorded.Kind.Should().Be(RecordedAnswer.Error);
        recorded.ContentType.Should().Be("application/vnd.aws.lambda.error+json");
        recorded.ErrorType.Should().Be("Function.Unhandled");
        recorded.Json.EnumerateObject().Select(p => p.Name).Should().Equal("errorMessage", "errorType", "stackTrace");
        recorded.Json.GetProperty("errorMessage").GetString().Should().Be("the store said no");
        recorded.Json.GetProperty("errorType").GetString().Should().Be("InvalidOperationException");
        recorded.Json.GetProperty("stackTrace").GetArrayLength().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task SendInitError_PostsToInitErrorWithTheCategoryHeader()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        using var client = new RuntimeApiClient(api.Address);

        await client.SendInitErrorAsync(new LambdaError(LambdaError.ConfigInvalid, "ConfigurationException", "MAX_ATTEMPTS must be a whole number", []), CancellationToken.None);

        var recorded = await api.InitError.WaitAsync(TimeSpan.FromMinutes(1));
        recorded.ErrorType.Should().Be("Runtime.ConfigInvalid");
        recorded.ContentType.Should().Be("application/vnd.aws.lambda.error+json");
        recorded.Body.Should().Be("""{"errorMessage":"MAX_ATTEMPTS must be a whole number","errorType":"ConfigurationException","stackTrace":[]}""");
    }

    [Fact]
    public async Task GetNextInvocation_WhenTheApiAnswers500_ThrowsAFatalRuntimeApiException()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        api.FailNextWith = System.Net.HttpStatusCode.InternalServerError;
        using var client = new RuntimeApiClient(api.Address);

        var act = () => client.GetNextInvocationAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<RuntimeApiException>()).Which.IsFatal.Should().BeTrue();
    }

    [Fact]
    public async Task GetNextInvocation_WaitsForAnEventForAsLongAsItTakes()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        using var client = new RuntimeApiClient(api.Address);

        var next = client.GetNextInvocationAsync(CancellationToken.None);
        // Not a sleep: the API says when the request is held for want of an event; until one is queued, next cannot end.
        await api.NextIsWaiting.WaitAsync(TimeSpan.FromMinutes(1));
        next.IsCompleted.Should().BeFalse("next blocks until Lambda has an event");
        _ = api.Enqueue("req-late", "{}");

        (await next.WaitAsync(TimeSpan.FromMinutes(1))).RequestId.Should().Be("req-late");
        client.HttpTimeout.Should().Be(Timeout.InfiniteTimeSpan, "Lambda freezes the process in the middle of next");
    }

    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }
}
