using System.Globalization;

namespace MultipartAbort.Core.Configuration;

/// <summary>The function's configuration, read once from the environment and validated (SPEC.md "Configuration").</summary>
public sealed record Settings
{
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(15);

    public Uri? CosEndpoint { get; init; }
    public string CosRegion { get; init; } = "us-east-1";
    public bool ForcePathStyle { get; init; }
    public StoreCredentials Credentials { get; init; } = StoreCredentials.DefaultChain;
    public string? RetryQueueUrl { get; init; }
    public string? DeadLetterQueueUrl { get; init; }
    public Uri? SqsEndpoint { get; init; }
    public int MaxAttempts { get; init; } = 8;
    public int ImmediateReaborts { get; init; } = 2;
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(30);
    public Secret? WebhookSecret { get; init; }
    public TimeSpan WebhookTolerance { get; init; } = TimeSpan.FromMinutes(5);
    public AccessPolicy Access { get; init; } = AccessPolicy.AllowAll;
    public TimeSpan? MinUploadAge { get; init; }
    public bool DryRun { get; init; }
    public IReadOnlyList<SweepTarget> SweepTargets { get; init; } = [];
    /// <summary>Uploads in flight at once in a sweep or a batch; null (the default) lets <c>AdaptiveLimit</c> find it.</summary>
    public int? SweepConcurrency { get; init; }
    public int Port { get; init; } = 8080;
    public string ServiceName { get; init; } = "multipart-abort";
    public string? LogLevel { get; init; }
    public string MetricsNamespace { get; init; } = "MultipartAbort";

    /// <summary>Backoff between the immediate re-aborts of one invocation (doubles each time).</summary>
    public TimeSpan ReabortBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The pause before a request refused for load (SlowDown) is sent again (doubles each time).</summary>
    public TimeSpan ThrottleBackoff { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How much of an invocation's remaining time a sweep keeps back to finish in-flight work and re-queue itself.</summary>
    public TimeSpan SweepTimeReserve { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The re-queue delay for a request that has already been tried <paramref name="attempt"/> times.</summary>
    public TimeSpan RetryDelayFor(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt, 0, 30));
        var seconds = Math.Min(RetryBaseDelay.TotalSeconds * factor, MaxRetryDelay.TotalSeconds);
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Reads and validates every variable; throws <see cref="ConfigurationException"/> naming all that are wrong.</summary>
    public static Settings Load(IEnvironment env)
    {
        var problems = new List<string>();
        string? Get(string name) => env.Get(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        Uri? ReadUri(string name, bool allowCos = false)
        {
            var text = Get(name);
            if (text is null)
                return null;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme is "http" or "https" || (allowCos && uri.Scheme == "cos")))
                return uri;
            problems.Add($"{name} must be an absolute http(s) URL; got '{text}'");
            return null;
        }

        bool ReadBool(string name, bool fallback)
        {
            var text = Get(name);
            if (text is null)
                return fallback;
            switch (text.ToLowerInvariant())
            {
                case "true" or "1" or "yes" or "on":
                    return true;
                case "false" or "0" or "no" or "off":
                    return false;
                default:
                    problems.Add($"{name} must be true or false; got '{text}'");
                    return fallback;
            }
        }

        int ReadInt(string name, int fallback, int min, int max)
        {
            var text = Get(name);
            if (text is null)
                return fallback;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
                return value;
            problems.Add($"{name} must be a whole number from {min} to {max}; got '{text}'");
            return fallback;
        }

        TimeSpan? ReadDuration(string name)
        {
            var text = Get(name);
            if (text is null)
                return null;
            if (IsoDuration.TryParse(text, out var value, out var error))
                return value;
            problems.Add($"{name} {error}");
            return null;
        }

        IReadOnlyList<string>? ReadList(string name) =>
            Get(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } list ? list : null;

        var endpoint = ReadUri(EnvironmentVariables.CosEndpoint);
        var accessKey = Get(EnvironmentVariables.CosAccessKeyId);
        var secretKey = Get(EnvironmentVariables.CosSecretAccessKey);
        var apiKey = Get(EnvironmentVariables.CosApiKey);
        var credentials = StoreCredentials.DefaultChain;
        if ((accessKey is null) != (secretKey is null))
            problems.Add($"{EnvironmentVariables.CosAccessKeyId} and {EnvironmentVariables.CosSecretAccessKey} must be set together");
        else if (accessKey is not null && apiKey is not null)
            problems.Add($"set either HMAC keys ({EnvironmentVariables.CosAccessKeyId}) or {EnvironmentVariables.CosApiKey}, not both");
        else if (accessKey is not null)
            credentials = StoreCredentials.Hmac(accessKey, new Secret(secretKey!));
        else if (apiKey is not null)
            problems.Add(
                $"{EnvironmentVariables.CosApiKey}: IAM bearer-token auth is not supported by this build yet; "
                    + $"create HMAC credentials for the service ID and set {EnvironmentVariables.CosAccessKeyId} and {EnvironmentVariables.CosSecretAccessKey}"
            );

        var retryQueue = Get(EnvironmentVariables.RetryQueueUrl);
        if (retryQueue is not null)
        {
            if (retryQueue.StartsWith("cos://", StringComparison.OrdinalIgnoreCase))
                problems.Add($"{EnvironmentVariables.RetryQueueUrl}: the cos:// retry ledger is not supported by this build yet; use an SQS queue URL");
            else
                ReadUri(EnvironmentVariables.RetryQueueUrl);
        }
        if (Get(EnvironmentVariables.DeadLetterQueueUrl) is not null)
            ReadUri(EnvironmentVariables.DeadLetterQueueUrl);

        var baseDelay = ReadDuration(EnvironmentVariables.RetryBaseDelay) ?? TimeSpan.FromSeconds(30);
        if (baseDelay > MaxRetryDelay)
            problems.Add($"{EnvironmentVariables.RetryBaseDelay} must be at most PT15M (SQS's longest delay); got '{Get(EnvironmentVariables.RetryBaseDelay)}'");

        var settings = new Settings
        {
            CosEndpoint = endpoint,
            CosRegion = Get(EnvironmentVariables.CosRegion) ?? "us-east-1",
            ForcePathStyle = ReadBool(EnvironmentVariables.CosForcePathStyle, endpoint is not null),
            Credentials = credentials,
            RetryQueueUrl = retryQueue,
            DeadLetterQueueUrl = Get(EnvironmentVariables.DeadLetterQueueUrl),
            SqsEndpoint = ReadUri(EnvironmentVariables.SqsEndpoint),
            MaxAttempts = ReadInt(EnvironmentVariables.MaxAttempts, 8, 1, 1000),
            ImmediateReaborts = ReadInt(EnvironmentVariables.ImmediateReaborts, 2, 0, 20),
            RetryBaseDelay = baseDelay,
            WebhookSecret = Get(EnvironmentVariables.WebhookSecret) is { } s ? new Secret(s) : null,
            WebhookTolerance = ReadDuration(EnvironmentVariables.WebhookTolerance) ?? TimeSpan.FromMinutes(5),
            Access = new AccessPolicy(ReadList(EnvironmentVariables.AllowedBuckets), ReadList(EnvironmentVariables.AllowedPrefixes)),
            MinUploadAge = ReadDuration(EnvironmentVariables.MinUploadAge),
            DryRun = ReadBool(EnvironmentVariables.DryRun, false),
            SweepTargets = SweepTarget.ParseList(Get(EnvironmentVariables.SweepTargets), problems),
            SweepConcurrency = Get(EnvironmentVariables.SweepConcurrency) is null ? null : ReadInt(EnvironmentVariables.SweepConcurrency, 16, 1, 1024),
            Port = ReadInt(EnvironmentVariables.Port, 8080, 1, 65535),
            ServiceName = Get(EnvironmentVariables.PowertoolsServiceName) ?? "multipart-abort",
            LogLevel = Get(EnvironmentVariables.PowertoolsLogLevel) ?? Get(EnvironmentVariables.LambdaLogLevel),
            MetricsNamespace = Get(EnvironmentVariables.PowertoolsMetricsNamespace) ?? "MultipartAbort",
        };

        if (problems.Count > 0)
            throw new ConfigurationException(problems);
        return settings;
    }
}
