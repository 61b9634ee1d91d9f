namespace MultipartAbort.Core.Configuration;

/// <summary>Every environment variable the function reads (docs/configuration.md).</summary>
public static class EnvironmentVariables
{
    public const string CosEndpoint = "COS_ENDPOINT";
    public const string CosRegion = "COS_REGION";
    public const string CosForcePathStyle = "COS_FORCE_PATH_STYLE";
    public const string CosAccessKeyId = "COS_ACCESS_KEY_ID";
    public const string CosSecretAccessKey = "COS_SECRET_ACCESS_KEY";
    public const string CosApiKey = "COS_API_KEY";
    public const string IbmIamEndpoint = "IBM_IAM_ENDPOINT";
    public const string CosServiceInstanceId = "COS_SERVICE_INSTANCE_ID";
    public const string RetryQueueUrl = "RETRY_QUEUE_URL";
    public const string DeadLetterQueueUrl = "DEAD_LETTER_QUEUE_URL";
    public const string SqsEndpoint = "SQS_ENDPOINT";
    public const string MaxAttempts = "MAX_ATTEMPTS";
    public const string ImmediateReaborts = "IMMEDIATE_REABORTS";
    public const string RetryBaseDelay = "RETRY_BASE_DELAY";
    public const string WebhookSecret = "WEBHOOK_SECRET";
    public const string WebhookTolerance = "WEBHOOK_TOLERANCE";
    public const string AllowedBuckets = "ALLOWED_BUCKETS";
    public const string AllowedPrefixes = "ALLOWED_PREFIXES";
    public const string MinUploadAge = "MIN_UPLOAD_AGE";
    public const string MinIdle = "MIN_IDLE";
    public const string MaxUploadAge = "MAX_UPLOAD_AGE";
    public const string DryRun = "DRY_RUN";
    public const string PrefixListing = "PREFIX_LISTING";
    public const string SweepTargets = "SWEEP_TARGETS";
    public const string SweepMinAge = "SWEEP_MIN_AGE";
    public const string ReportTargets = "REPORT_TARGETS";
    public const string ReportDepth = "REPORT_DEPTH";
    public const string ReportHtmlUrl = "REPORT_HTML_URL";
    public const string ReportBy = "REPORT_BY";
    public const string SweepConcurrency = "SWEEP_CONCURRENCY";
    public const string UploadTtl = "UPLOAD_TTL";
    public const string Port = "PORT";
    public const string HttpRequestTimeout = "HTTP_REQUEST_TIMEOUT";
    public const string CloudEventsTrusted = "CLOUDEVENTS_TRUSTED";
    public const string MetricsToken = "METRICS_TOKEN";

    // On AWS each of these names an SSM SecureString whose value becomes the variable without the suffix.
    public const string ParameterSuffix = "_PARAMETER";

    public const string CosAccessKeyIdParameter = CosAccessKeyId + ParameterSuffix;
    public const string CosSecretAccessKeyParameter = CosSecretAccessKey + ParameterSuffix;
    public const string CosApiKeyParameter = CosApiKey + ParameterSuffix;
    public const string WebhookSecretParameter = WebhookSecret + ParameterSuffix;

    public const string SsmEndpoint = "SSM_ENDPOINT";

    public const string PowertoolsServiceName = "POWERTOOLS_SERVICE_NAME";
    public const string PowertoolsLogLevel = "POWERTOOLS_LOG_LEVEL";
    public const string PowertoolsMetricsNamespace = "POWERTOOLS_METRICS_NAMESPACE";

    // POWERTOOLS_LOG_LEVEL falls back to it; Lambda's other variables live with the Lambda host.
    public const string LambdaLogLevel = "AWS_LAMBDA_LOG_LEVEL";
}
