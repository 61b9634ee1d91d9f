using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;
using Amazon.S3.Internal;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Adapters;

/// <summary>
/// The S3 client with the SDK's standard retries for everything except load refusals (503 SlowDown, throttling: the
/// codes of <see cref="StoreException.IsThrottlingCode"/>). Those come straight back to the workflow's
/// <c>LimitedObjectStore</c>, which cuts the concurrency limit and sends the request again after a pause. Left to the
/// SDK, a refusal would be retried inside the call with the slot still held, and the limiter would see only a slow
/// success: behind a store that refuses above K in flight, a default sweep settled near 2K with 13% of its requests
/// refused (bench/sweep).
/// </summary>
public sealed class ThrottleAwareS3Client : AmazonS3Client
{
    public ThrottleAwareS3Client(AWSCredentials credentials, AmazonS3Config config)
        : base(credentials, config) { }

    public ThrottleAwareS3Client(AmazonS3Config config)
        : base(config) { }

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        pipeline.ReplaceHandler<RetryHandler>(new RetryHandler(new RefusalsToCaller(Config)));
    }

    private sealed class RefusalsToCaller(IClientConfig config) : AmazonS3StandardRetryPolicy(config)
    {
        public override bool RetryForException(IExecutionContext executionContext, Exception exception) =>
            !IsRefusal(exception) && base.RetryForException(executionContext, exception);

        public override async Task<bool> RetryForExceptionAsync(IExecutionContext executionContext, Exception exception) =>
            !IsRefusal(exception) && await base.RetryForExceptionAsync(executionContext, exception).ConfigureAwait(false);

        private static bool IsRefusal(Exception exception) => exception is AmazonServiceException service && StoreException.IsThrottlingCode(service.ErrorCode);
    }
}
