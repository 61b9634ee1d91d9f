namespace MultipartAbort.Core.Hosting;

/// <summary>What the hosts share, built once per process: settings, logger and handlers.</summary>
public sealed class FunctionServices
{
    public required Settings Settings { get; init; }
    public required TimeProvider Time { get; init; }
    public required StructuredLogger Log { get; init; }
    public required IObjectStore Store { get; init; }

    // Shared by every sweep and batch of the process.
    public required StoreCallLimiter Concurrency { get; init; }
    public required QueuePair Queues { get; init; }

    internal AbortWorkflow Workflow { get; init; } = null!;

    internal UploadTimer Timers { get; init; } = null!;
    public Task<IReadOnlyList<AbortResult>> ArmAsync(AbortRequest request, AbortOptions options, Invocation invocation, string armedBy) => Timers.RunAsync(request, options, invocation, armedBy);

    public required SweepRunner Sweeps { get; init; }

    internal BucketClear Clears { get; init; } = null!;
    public Task<ClearResult> ClearAsync(ClearRequest request, Invocation invocation) => Clears.RunAsync(request, invocation);

    public required FleetScan Scan { get; init; }

    internal ReportRunner Reports { get; init; } = null!;
    public Task<IncompleteUploadReport> ReportAsync(ReportRequest request, Invocation invocation, IProgress<ReportProgress>? progress = null, Action<string, ReportedUpload>? rows = null) => Reports.RunAsync(request, invocation, progress, rows);

    internal LifecycleCheck LifecycleCheck { get; init; } = null!;
    public Task<LifecycleCheckResult> CheckLifecycleAsync(IReadOnlyList<string> buckets, bool allBuckets, int? days, bool uploads, Invocation invocation) => LifecycleCheck.RunAsync(buckets, allBuckets, days, uploads, invocation);
    public Task<LifecycleApplyResult> ApplyLifecycleAsync(IReadOnlyList<string> buckets, bool allBuckets, int days, string prefix, bool yes, Invocation invocation) => LifecycleCheck.ApplyAsync(buckets, allBuckets, days, prefix, yes, Settings, invocation);

    internal RequestRunner Requests { get; init; } = null!;
    public Task<InvocationResult> AbortAsync(RequestPayload payload, AbortOptions options, Invocation invocation) => Requests.RunAsync(payload, options, invocation);

    internal WebhookHandler Webhooks { get; init; } = null!;

    internal EventRouter Events { get; init; } = null!;
    public Task<EventAnswer> HandleEventAsync(ReadOnlyMemory<byte> eventJson, Invocation invocation) => Events.HandleAsync(eventJson, invocation);

    internal RefusalLog Refusals { get; init; } = null!;

    // Null with SQS (which delivers by itself) or no retry queue.
    public RetryLedgerDrain? RetryLedger { get; init; }

    /// <summary>One unit of work from a host's edge; the floors hold unless an operator asked. Null deadline: none (CLI, tests).</summary>
    public Invocation Begin(
        DateTimeOffset? deadline,
        CancellationToken ct,
        Asker asker = Asker.Event,
        CancellationToken stop = default,
        IProgress<SweepProgress>? progress = null,
        bool allowYoung = false
    ) => new(Time, Settings.DeadlineReserve, deadline, Queues, ct) { Asker = asker, Stop = stop, Progress = progress, AllowYoung = allowYoung };

    public static FunctionServices Create(
        Settings settings,
        IObjectStore store,
        QueuePair queues,
        TextWriter logOutput,
        LogLevel? logLevel = null,
        TimeProvider? time = null,
        // Tests hand in a double.
        IRetryDrain? retryDrain = null,
        StoreCallLimiter? concurrency = null
    )
    {
        time ??= TimeProvider.System;
        var log = new StructuredLogger(logOutput, settings.ServiceName, logLevel ?? LogLevels.Parse(settings.LogLevel), time);
        concurrency ??= StoreCallLimiter.For(settings.SweepConcurrency);
        var directory = store as IBucketDirectory;
        var lifecycle = store as ILifecycleRules;
        var contents = store as IBucketContents;
        var pages = store as IObjectWriter;
        store = new LimitedObjectStore(store, concurrency, time) { ThrottlePause = settings.ThrottleBackoff };
        // What this process learns about how the store reads a prefix, shared by every listing.
        var uploads = new PrefixListing(store, settings.PrefixListing, log);
        var scan = new FleetScan(uploads, new BucketSelector(directory, settings.Access), concurrency);
        var reports = new ReportRunner(store, lifecycle, scan, settings, log, time);
        var workflow = new AbortWorkflow(store, settings, log, time);
        var sweeps = new SweepRunner(scan, workflow, settings, log, time);
        var timers = new UploadTimer(workflow, settings, log, time);
        var requests = new RequestRunner(workflow, new DeferredUploads(workflow, settings, log), sweeps, timers, reports, settings, log, time, concurrency);
        var messages = new MessageRunner(requests, log);
        var ledgerDrain = queues.Retry is IRetryLedger ledger ? new RetryLedgerDrain(ledger, queues.DeadLetter, messages, settings, log, time) : null;
        requests.RetryDrain = retryDrain ?? ledgerDrain;
        requests.PageWriter = pages;
        var sqsBatches = new SqsBatchHandler(messages, log, concurrency);
        var refusals = new RefusalLog(log, time);
        var webhooks = new WebhookHandler(requests, settings, log, refusals, time);
        return new FunctionServices
        {
            Settings = settings,
            Time = time,
            Log = log,
            Store = store,
            Concurrency = concurrency,
            Queues = queues,
            Workflow = workflow,
            Timers = timers,
            Sweeps = sweeps,
            Clears = new BucketClear(sweeps, scan, contents, settings, time),
            Reports = reports,
            LifecycleCheck = new LifecycleCheck(scan, lifecycle, reports),
            Scan = scan,
            Requests = requests,
            Webhooks = webhooks,
            Events = new EventRouter(requests, sqsBatches, webhooks),
            RetryLedger = ledgerDrain,
            Refusals = refusals,
        };
    }
}
