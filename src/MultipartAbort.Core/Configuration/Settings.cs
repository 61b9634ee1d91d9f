namespace MultipartAbort.Core.Configuration;

/// <summary>The function's configuration, read once from the environment and validated (docs/configuration.md).</summary>
public sealed record Settings
{
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(15);

    // One second, an SQS delay's granularity: anything shorter is a typo.
    public static readonly TimeSpan MinUploadTtl = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxTimerHorizon = TimeSpan.FromDays(30);

    // What an unset variable means: the properties' own initialisers, so each default is written once.
    private static readonly Settings Defaults = new();

    public Uri? CosEndpoint { get; init; }
    public string CosRegion { get; init; } = "us-east-1";
    public bool ForcePathStyle { get; init; }
    public StoreCredentials Credentials { get; init; } = StoreCredentials.DefaultChain;
    public Uri IamEndpoint { get; init; } = new("https://iam.cloud.ibm.com");

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
    public TimeSpan MinIdle { get; init; } = TimeSpan.FromHours(1);
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
    public TimeSpan HttpRequestTimeout { get; init; } = TimeSpan.FromSeconds(290);

    // Only where the platform keeps the host private.
    public bool CloudEventsTrusted { get; init; }

    public Secret? MetricsToken { get; init; }
    public string ServiceName { get; init; } = "multipart-abort";
    public string? LogLevel { get; init; }
    public string MetricsNamespace { get; init; } = "MultipartAbort";
    public TimeSpan ReabortBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    // No new work within it, store calls cancelled at half; the rest re-queues and answers.
    public TimeSpan DeadlineReserve { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan SweepMinAge { get; init; } = TimeSpan.FromHours(1);
    public TimeSpan ThrottleBackoff { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan RetryDelayFor(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt, 0, 30));
        var seconds = Math.Min(RetryBaseDelay.TotalSeconds * factor, MaxRetryDelay.TotalSeconds);
        return TimeSpan.FromSeconds(seconds);
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static bool TryParseHttpUri(string text, out Uri? uri) => Uri.TryCreate(text, UriKind.Absolute, out uri) && uri.Scheme is "http" or "https";

    private static bool TryParseBool(string text, out bool value)
    {
        value = text.ToLowerInvariant() is "true" or "1" or "yes" or "on";
        return value || text.ToLowerInvariant() is "false" or "0" or "no" or "off";
    }

    /// <summary>Throws <see cref="ConfigurationException"/> naming every variable that is wrong.</summary>
    public static Settings Load(IEnvironment env)
    {
        var problems = new List<string>();
        string? Get(string name) => env.Get(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        // One reader for every variable: unset keeps the default, a bad value is named with what was expected.
        T Read<T>(string name, T fallback, TryParse<T> parse, string expected)
        {
            var text = Get(name);
            if (text is null)
                return fallback;
            if (parse(text, out var value))
                return value;
            problems.Add($"{name} must be {expected}; got '{text}'");
            return fallback;
        }

        Uri? ReadUri(string name, string expected = "an absolute http(s) URL") => Read<Uri?>(name, null, TryParseHttpUri, expected);

        bool ReadBool(string name, bool fallback) => Read(name, fallback, TryParseBool, "true or false");

        int ReadInt(string name, int fallback, int min, int max) =>
            Read(name, fallback, (string text, out int value) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max,
                $"a whole number from {min} to {max}");

        // Outside [min, max] is named with the range the variable takes.
        TimeSpan? ReadDuration(string name, TimeSpan? min = null, TimeSpan? max = null, string range = "")
        {
            var text = Get(name);
            if (text is null)
                return null;
            if (!IsoDuration.TryParse(text, out var value, out var error))
                problems.Add($"{name} {error}");
            else if (value < min || value > max)
                problems.Add($"{name} must be {range}; got '{text}'");
            else
                return value;
            return null;
        }

        // A header value carries only visible ASCII; the message names the variable, never the value.
        Secret? ReadToken(string name)
        {
            var text = Get(name);
            if (text is not null && text.Any(c => c is < '!' or > '~'))
                problems.Add($"{name} must be visible ASCII characters without spaces (it is sent in an Authorization header)");
            return text is null ? null : new Secret(text);
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
        var iamEndpoint = ReadUri(EnvironmentVariables.IbmIamEndpoint) ?? Defaults.IamEndpoint;

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

        var baseDelay = ReadDuration(EnvironmentVariables.RetryBaseDelay, max: MaxRetryDelay, range: "at most PT15M (SQS's longest delay)") ?? Defaults.RetryBaseDelay;
        var uploadTtl = ReadDuration(EnvironmentVariables.UploadTtl, MinUploadTtl, MaxTimerHorizon, "from PT1S to P30D");
        var httpTimeout = ReadDuration(EnvironmentVariables.HttpRequestTimeout, TimeSpan.FromSeconds(15), TimeSpan.FromHours(1), "from PT15S (more than the 10 s kept to answer) to PT1H")
            ?? Defaults.HttpRequestTimeout;

        var minUploadAge = ReadDuration(EnvironmentVariables.MinUploadAge);
        var maxUploadAge = ReadDuration(EnvironmentVariables.MaxUploadAge);
        if (maxUploadAge is { } cap && (cap <= TimeSpan.Zero || cap < (minUploadAge ?? TimeSpan.Zero)))
            problems.Add(
                $"{EnvironmentVariables.MaxUploadAge} must be longer than PT0S and at least {EnvironmentVariables.MinUploadAge} ({IsoDuration.Format(minUploadAge ?? TimeSpan.Zero)}); got '{Get(EnvironmentVariables.MaxUploadAge)}'"
            );

        var sweepMinAge = ReadDuration(EnvironmentVariables.SweepMinAge) ?? Defaults.SweepMinAge;
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
            CosRegion = Get(EnvironmentVariables.CosRegion) ?? Defaults.CosRegion,
            ForcePathStyle = ReadBool(EnvironmentVariables.CosForcePathStyle, endpoint is not null),
            Credentials = credentials,
            IamEndpoint = iamEndpoint,
            CosServiceInstanceId = Get(EnvironmentVariables.CosServiceInstanceId),
            RetryQueueUrl = retryQueue,
            DeadLetterQueueUrl = deadLetterUrl ?? deadLetterLedger?.ToString(),
            RetryLedger = retryLedger,
            DeadLetterLedger = deadLetterLedger,
            SqsEndpoint = ReadUri(EnvironmentVariables.SqsEndpoint),
            MaxAttempts = ReadInt(EnvironmentVariables.MaxAttempts, Defaults.MaxAttempts, 1, 1000),
            ImmediateReaborts = ReadInt(EnvironmentVariables.ImmediateReaborts, Defaults.ImmediateReaborts, 0, 20),
            RetryBaseDelay = baseDelay,
            WebhookSecret = Get(EnvironmentVariables.WebhookSecret) is { } s ? new Secret(s) : null,
            WebhookTolerance = ReadDuration(EnvironmentVariables.WebhookTolerance) ?? Defaults.WebhookTolerance,
            Access = new AccessPolicy(ReadList(EnvironmentVariables.AllowedBuckets), ReadList(EnvironmentVariables.AllowedPrefixes)),
            MinUploadAge = minUploadAge,
            MaxUploadAge = maxUploadAge,
            MinIdle = ReadDuration(EnvironmentVariables.MinIdle) ?? Defaults.MinIdle,
            UploadTtl = uploadTtl,
            DryRun = ReadBool(EnvironmentVariables.DryRun, false),
            PrefixListing = Read(EnvironmentVariables.PrefixListing, Defaults.PrefixListing, Sweep.PrefixListing.TryParseMode, "auto, server or local"),
            SweepTargets = sweepTargets,
            SweepMinAge = sweepMinAge,
            ReportTargets = reportTargets,
            ReportDepth = ReadInt(EnvironmentVariables.ReportDepth, 0, 0, Report.ReportRequest.MaxDepth),
            ReportHtml = reportHtml,
            ReportBy = Read(EnvironmentVariables.ReportBy, Report.ReportBy.None, Report.Showback.TryParse, "initiator or owner"),
            SweepConcurrency = Get(EnvironmentVariables.SweepConcurrency) is null ? null : ReadInt(EnvironmentVariables.SweepConcurrency, 16, 1, 1024),
            Port = ReadInt(EnvironmentVariables.Port, Defaults.Port, 1, 65535),
            HttpRequestTimeout = httpTimeout,
            CloudEventsTrusted = ReadBool(EnvironmentVariables.CloudEventsTrusted, false),
            MetricsToken = ReadToken(EnvironmentVariables.MetricsToken),
            ServiceName = Get(EnvironmentVariables.PowertoolsServiceName) ?? Defaults.ServiceName,
            LogLevel = Get(EnvironmentVariables.PowertoolsLogLevel) ?? Get(EnvironmentVariables.LambdaLogLevel),
            MetricsNamespace = Get(EnvironmentVariables.PowertoolsMetricsNamespace) ?? Defaults.MetricsNamespace,
        };

        if (problems.Count > 0)
            throw new ConfigurationException(problems);
        return settings;
    }
}

/// <summary>The message names every wrong variable, never a secret's value.</summary>
public sealed class ConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
