using Amazon.Runtime.Internal;
using Amazon.S3.Internal;

namespace MultipartAbort.Adapters;

/// <summary>Load refusals skip SDK retries: retried inside the SDK they hold the limiter's slot and look like slow successes.</summary>
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
