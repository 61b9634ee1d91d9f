using MultipartAbort.Testing;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Lambda.Client;
using MultipartAbort.Lambda.Context;

namespace MultipartAbort.Tests.LambdaHost;

public sealed class LambdaContextTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly FunctionIdentity Function = new("multipart-abort", 512, "$LATEST");

    private static LambdaContext ContextWith(DateTimeOffset? deadline, string? trace = null, bool coldStart = false) =>
        new(new InvocationRequest("req-1", []) { Deadline = deadline, TraceHeader = trace, InvokedFunctionArn = "arn:fn" }, Function, coldStart);

    [Theory]
    [InlineData("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1", "1-5bef4de7-ad49b0e87f6ef6c87fc2e700")]
    [InlineData("Parent=9a9197af755a6419; Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700", "1-5bef4de7-ad49b0e87f6ef6c87fc2e700")]
    [InlineData("Parent=9a9197af755a6419", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void XRayTraceId_IsTheRootOfTheTraceHeader(string? header, string? expected) => ContextWith(null, header).XRayTraceId.Should().Be(expected);

    [Fact]
    public void ToLogContext_CarriesThePowertoolsKeys()
    {
        var log = ContextWith(Now.AddSeconds(30), "Root=1-abc-def", coldStart: true).ToLogContext();

        log.ColdStart.Should().BeTrue();
        log.FunctionName.Should().Be("multipart-abort");
        log.FunctionMemorySize.Should().Be(512);
        log.FunctionArn.Should().Be("arn:fn");
        log.FunctionRequestId.Should().Be("req-1");
        log.XRayTraceId.Should().Be("1-abc-def");
    }

    [Fact]
    public void FunctionIdentity_ReadsTheSandboxVariables()
    {
        var env = new DictionaryEnvironment(
            new Dictionary<string, string?>
            {
                ["AWS_LAMBDA_FUNCTION_NAME"] = "fn",
                ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "1024",
                ["AWS_LAMBDA_FUNCTION_VERSION"] = "7",
            }
        );

        FunctionIdentity.Read(env).Should().Be(new FunctionIdentity("fn", 1024, "7"));
        FunctionIdentity.Read(new DictionaryEnvironment()).Should().Be(new FunctionIdentity(null, null, null));
    }
}
