namespace MultipartAbort.Core.Configuration;

/// <summary>The function's configuration, read once from the environment and validated (docs/configuration.md).</summary>
public sealed record Settings
{
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(15);

    // One second, an SQS delay's granularity: anything shorter is a typo.
    public static readonly TimeSpan MinUploadTtl = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxTimerHorizon = TimeSpan.FromDays(30);

    public Uri? CosEndpoint { get; init; }
    public string CosRegion { get; init; } = "us-east-1";
    public bool ForcePathStyle { get; init; }
    public StoreCredentials Credentials { get; init; } = StoreCredentials.DefaultChain;
    public Uri IamEndpoint { get; init; } = DefaultIamEndpoint;

    public static readonly Uri DefaultIamEndpoint = new("https://iam.cloud.ibm.com");

    // IBM COS needs it as ibm-service-instance-id on ListBuckets.
    public string? CosServiceInstanceId { get; init; }

    // An SQS queue URL, or cos://bucket/prefix/ for the retry ledger.
    public string? RetryQueueUrl { get; init; }
    public string? DeadLetterQueueUrl { get; init; }

    public CosLocation? RetryLedger { get; init; }

    public CosLocation? DeadLetterLedger { get; init; }
    public Uri? SqsEndpoint { get; init; }
    public int MaxAttempts { get; init; } = 8;
    public int ImmediateReaborts { get; init; } = 2;
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(30);
    public Secret? WebhookSecret { get; init; }
    public TimeSpan WebhookTolerance { get; init; } = TimeSpan.FromMinutes(5);
    public AccessPolicy Access { get; init; } = AccessPolicy.AllowAll;
    public TimeSpan? MinUploadAge { get; init; }

    public TimeSpan MinIdle { get; init; } = DefaultMinIdle;

    public static readonly TimeSpan DefaultMinIdle = TimeSpan.FromHours(1);

    public TimeSpan? MaxUploadAge { get; init; }

    public TimeSpan? UploadTtl { get; init; }
    public bool DryRun { get; init; }

    public Sweep.PrefixListingMode PrefixListing { get; init; } = Sweep.PrefixListingMode.Auto;
    internal IReadOnlyList<SweepTarget> SweepTargets { get; init; } = [];

    public IReadOnlyList<string> ReportTargets { get; init; } = [];

    public int ReportDepth { get; init; }

    internal ObjectUrl? ReportHtml { get; init; }

    internal Report.ReportBy ReportBy { get; init; }

    // Null lets AdaptiveLimit find it.
    public int? SweepConcurrency { get; init; }
    public int Port { get; init; } = 8080;

    // Keep it under the platform's (Code Engine's default is 300 s) so a tick stops in time to answer.
    public TimeSpan HttpRequestTimeout { get; init; } = DefaultHttpRequestTimeout;

    public static readonly TimeSpan DefaultHttpRequestTimeout = TimeSpan.FromSeconds(290);

    // Only where the platform keeps the host private.
    public bool CloudEventsTrusted { get; init; }

    public Secret? MetricsToken { get; init; }
    public string ServiceName { get; init; } = "multipart-abort";
    public string? LogLevel { get; init; }
    public string MetricsNamespace { get; init; } = "MultipartAbort";

    public TimeSpan ReabortBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    // No new work within it, store calls cancelled at half; the rest re-queues and answers.
    public TimeSpan DeadlineReserve { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan SweepMinAge { get; init; } = DefaultSweepMinAge;

    public static readonly TimeSpan DefaultSweepMinAge = TimeSpan.FromHours(1);

    public TimeSpan ThrottleBackoff { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan RetryDelayFor(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt, 0, 30));
        var seconds = Math.Min(RetryBaseDelay.TotalSeconds * factor, MaxRetryDelay.TotalSeconds);
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Throws <see cref="ConfigurationException"/> naming every variable that is wrong.</summary>
    public static Settings Load(IEnvironment env)
    {
        var problems = new List<string>();
        string? Get(string name) => env.Get(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        // A header value carries only visible ASCII; the message names the variable, never the value.
        Secret? ReadToken(string name)
        {
            var text = Get(name);
            if (text is null)
                return null;
            if (text.Any(c => c is < '!' or > '~'))
                problems.Add($"{name} must be visible ASCII characters without spaces (it is sent in an Authorization header)");
            return new Secret(text);
        }

        Uri? ReadUri(string name, string expected = "an absolute http(s) URL")
        {
            var text = Get(name);
            if (text is null)
                return null;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                return uri;
            problems.Add($"{name} must be {expected}; got '{text}'");
            return null;
        }

        Sweep.PrefixListingMode ReadPrefixListing()
        {
            var text = Get(EnvironmentVariables.PrefixListing);
            if (text is null)
                return Sweep.PrefixListingMode.Auto;
            if (Sweep.PrefixListing.TryParseMode(text, out var mode))
                return mode;
            problems.Add($"{EnvironmentVariables.PrefixListing} must be auto, server or local; got '{text}'");
            return Sweep.PrefixListingMode.Auto;
        }

        Report.ReportBy ReadReportBy()
        {
            var text = Get(EnvironmentVariables.ReportBy);
            if (text is null)
                return Report.ReportBy.None;
            if (Report.Showback.TryParse(text, out var by))
                return by;
            problems.Add($"{EnvironmentVariables.ReportBy} must be initiator or owner; got '{text}'");
            return Report.ReportBy.None;
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

        // Set but empty is a mistake, and on COS the allowlist is the only guard: fail rather than allow all.
        IReadOnlyList<string>? ReadList(string name)
        {
            var raw = env.Get(name);
            if (raw is null)
                return null;
            var list = raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (list.Length > 0)
                return list;
            problems.Add($"{name} is set but names nothing ('{raw}'); list at least one entry, or unset it to allow all");
            return null;
        }

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
        {
            credentials = StoreCredentials.IbmApiKey(new Secret(apiKey));
            // IAM bearer tokens are IBM COS's; AWS S3 would refuse every request.
            if (endpoint is null)
                problems.Add($"{EnvironmentVariables.CosApiKey} needs {EnvironmentVariables.CosEndpoint} (an IBM COS endpoint): IAM bearer tokens do not work with AWS S3");
        }
        var iamEndpoint = ReadUri(EnvironmentVariables.IbmIamEndpoint) ?? DefaultIamEndpoint;

        CosLocation? ReadQueue(string name)
        {
            var text = Get(name);
            if (text is null)
                return null;
            if (!CosLocation.IsCosUrl(text))
            {
                ReadUri(name, "an SQS queue URL or cos://bucket/prefix/");
                return null;
            }
            if (CosLocation.TryParse(text, out var location, out var error))
                return location;
            problems.Add($"{name} {error}; got '{text}'");
            return null;
        }
        var retryQueue = Get(EnvironmentVariables.RetryQueueUrl);
        var retryLedger = ReadQueue(EnvironmentVariables.RetryQueueUrl);
        // A retry ledger never loses what it cannot run: without DEAD_LETTER_QUEUE_URL it dead-letters beside itself.
        var deadLetterUrl = Get(EnvironmentVariables.DeadLetterQueueUrl);
        var deadLetterLedger = deadLetterUrl is null ? retryLedger?.DeadLetters : ReadQueue(EnvironmentVariables.DeadLetterQueueUrl);

        var baseDelay = ReadDuration(EnvironmentVariables.RetryBaseDelay) ?? TimeSpan.FromSeconds(30);
        if (baseDelay > MaxRetryDelay)
            problems.Add($"{EnvironmentVariables.RetryBaseDelay} must be at most PT15M (SQS's longest delay); got '{Get(EnvironmentVariables.RetryBaseDelay)}'");

        var uploadTtl = ReadDuration(EnvironmentVariables.UploadTtl);
        if (uploadTtl is { } ttl && (ttl < MinUploadTtl || ttl > MaxTimerHorizon))
            problems.Add($"{EnvironmentVariables.UploadTtl} must be from PT1S to P30D; got '{Get(EnvironmentVariables.UploadTtl)}'");

        var httpTimeout = ReadDuration(EnvironmentVariables.HttpRequestTimeout) ?? DefaultHttpRequestTimeout;
        if (httpTimeout < TimeSpan.FromSeconds(15) || httpTimeout > TimeSpan.FromHours(1))
            problems.Add($"{EnvironmentVariables.HttpRequestTimeout} must be from PT15S (more than the 10 s kept to answer) to PT1H; got '{Get(EnvironmentVariables.HttpRequestTimeout)}'");

        var minUploadAge = ReadDuration(EnvironmentVariables.MinUploadAge);
        var maxUploadAge = ReadDuration(EnvironmentVariables.MaxUploadAge);
        if (maxUploadAge is { } cap && (cap <= TimeSpan.Zero || cap < (minUploadAge ?? TimeSpan.Zero)))
            problems.Add(
                $"{EnvironmentVariables.MaxUploadAge} must be longer than PT0S and at least {EnvironmentVariables.MinUploadAge} ({IsoDuration.Format(minUploadAge ?? TimeSpan.Zero)}); got '{Get(EnvironmentVariables.MaxUploadAge)}'"
            );

        var sweepMinAge = ReadDuration(EnvironmentVariables.SweepMinAge) ?? DefaultSweepMinAge;
        var sweepTargets = SweepTarget.ParseList(Get(EnvironmentVariables.SweepTargets), problems);
        // A continuation comes back as an event, where the floor applies: refuse up front.
        foreach (var target in sweepTargets.Where(t => t.OlderThan < sweepMinAge))
            problems.Add(
                $"{EnvironmentVariables.SweepTargets}: {target.Bucket} olderThan {IsoDuration.Format(target.OlderThan)} is below {EnvironmentVariables.SweepMinAge} ({IsoDuration.Format(sweepMinAge)}); lower {EnvironmentVariables.SweepMinAge} to allow it"
            );

        var reportTargets = ReadList(EnvironmentVariables.ReportTargets) ?? [];
        foreach (var target in reportTargets.Where(t => !Fleet.BucketSelector.IsGlob(t) && Model.StoreNames.CheckBucket(t) is not null))
            problems.Add($"{EnvironmentVariables.ReportTargets}: '{target}' {Model.StoreNames.CheckBucket(target)}");

        ObjectUrl? reportHtml = null;
        if (Get(EnvironmentVariables.ReportHtmlUrl) is { } pageUrl && !ObjectUrl.TryParse(pageUrl, out reportHtml, out var pageError))
            problems.Add($"{EnvironmentVariables.ReportHtmlUrl} {pageError}; got '{pageUrl}'");

        var settings = new Settings
        {
            CosEndpoint = endpoint,
            CosRegion = Get(EnvironmentVariables.CosRegion) ?? "us-east-1",
            ForcePathStyle = ReadBool(EnvironmentVariables.CosForcePathStyle, endpoint is not null),
            Credentials = credentials,
            IamEndpoint = iamEndpoint,
            CosServiceInstanceId = Get(EnvironmentVariables.CosServiceInstanceId),
            RetryQueueUrl = retryQueue,
            DeadLetterQueueUrl = deadLetterUrl ?? deadLetterLedger?.ToString(),
            RetryLedger = retryLedger,
            DeadLetterLedger = deadLetterLedger,
            SqsEndpoint = ReadUri(EnvironmentVariables.SqsEndpoint),
            MaxAttempts = ReadInt(EnvironmentVariables.MaxAttempts, 8, 1, 1000),
            ImmediateReaborts = ReadInt(EnvironmentVariables.ImmediateReaborts, 2, 0, 20),
            RetryBaseDelay = baseDelay,
            WebhookSecret = Get(EnvironmentVariables.WebhookSecret) is { } s ? new Secret(s) : null,
            WebhookTolerance = ReadDuration(EnvironmentVariables.WebhookTolerance) ?? TimeSpan.FromMinutes(5),
            Access = new AccessPolicy(ReadList(EnvironmentVariables.AllowedBuckets), ReadList(EnvironmentVariables.AllowedPrefixes)),
            MinUploadAge = minUploadAge,
            MaxUploadAge = maxUploadAge,
            MinIdle = ReadDuration(EnvironmentVariables.MinIdle) ?? DefaultMinIdle,
            UploadTtl = uploadTtl,
            DryRun = ReadBool(EnvironmentVariables.DryRun, false),
            PrefixListing = ReadPrefixListing(),
            SweepTargets = sweepTargets,
            SweepMinAge = sweepMinAge,
            ReportTargets = reportTargets,
            ReportDepth = ReadInt(EnvironmentVariables.ReportDepth, 0, 0, Report.ReportRequest.MaxDepth),
            ReportHtml = reportHtml,
            ReportBy = ReadReportBy(),
            SweepConcurrency = Get(EnvironmentVariables.SweepConcurrency) is null ? null : ReadInt(EnvironmentVariables.SweepConcurrency, 16, 1, 1024),
            Port = ReadInt(EnvironmentVariables.Port, 8080, 1, 65535),
            HttpRequestTimeout = httpTimeout,
            CloudEventsTrusted = ReadBool(EnvironmentVariables.CloudEventsTrusted, false),
            MetricsToken = ReadToken(EnvironmentVariables.MetricsToken),
            ServiceName = Get(EnvironmentVariables.PowertoolsServiceName) ?? "multipart-abort",
            LogLevel = Get(EnvironmentVariables.PowertoolsLogLevel) ?? Get(EnvironmentVariables.LambdaLogLevel),
            MetricsNamespace = Get(EnvironmentVariables.PowertoolsMetricsNamespace) ?? "MultipartAbort",
        };

        if (problems.Count > 0)
            throw new ConfigurationException(problems);
        return settings;
    }
}
