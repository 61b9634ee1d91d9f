using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Concurrency;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Fleet;
using MultipartAbort.Core.Handlers;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Report;
using MultipartAbort.Core.Sweep;

namespace MultipartAbort.Core.Hosting;

/// <summary>What the hosts share, built once per process on the two ports: settings, logger and handlers.</summary>
public sealed class FunctionServices
{
    public required Settings Settings { get; init; }
    public required TimeProvider Time { get; init; }
    public required StructuredLogger Log { get; init; }
    public required IObjectStore Store { get; init; }

    /// <summary>Uploads in flight at once, for every sweep and batch of the process (pinned or adaptive).</summary>
    public required StoreCallLimiter Concurrency { get; init; }
    public required QueuePair Queues { get; init; }

    /// <summary>One upload: abort, verify, re-abort, re-queue or dead-letter.</summary>
    public required AbortWorkflow Workflow { get; init; }

    /// <summary>Upload TTL timers: arming from upload-started events, passing on early timers, running due ones.</summary>
    public required UploadTimer Timers { get; init; }

    /// <summary>One sweep of a bucket (and prefix), with its continuation.</summary>
    public required SweepRunner Sweeps { get; init; }

    /// <summary>One bucket cleared of its uploads whatever their activity, verified empty (mpa clear).</summary>
    public required BucketClear Clears { get; init; }

    /// <summary>How every feature covers buckets.</summary>
    public required FleetScan Scan { get; init; }

    /// <summary>The buckets' lifecycle rules (the report's coverage, <c>mpa lifecycle check</c>); null when the store cannot read them.</summary>
    public ILifecycleRules? Lifecycle { get; init; }

    /// <summary>What incomplete uploads hold, read-only (mpa report, the report event).</summary>
    public required ReportRunner Reports { get; init; }

    /// <summary>Whether a rule aborts each bucket's incomplete uploads, with their coverage when asked (mpa lifecycle check).</summary>
    public required LifecycleCheck LifecycleCheck { get; init; }

    /// <summary>What one request asks for: uploads, a sweep, a report, the tick.</summary>
    public required RequestRunner Requests { get; init; }

    /// <summary>A signed HTTP request.</summary>
    public required WebhookHandler Webhooks { get; init; }

    /// <summary>A raw event of any shape.</summary>
    public required EventRouter Events { get; init; }

    /// <summary>Refused callers, logged sampled (one Warning a minute, the rest at Debug).</summary>
    public required RefusalLog Refusals { get; init; }

    /// <summary>A CloudEvent delivered over HTTP (the IBM Code Engine host).</summary>
    public required CloudEventHandler CloudEvents { get; init; }

    /// <summary>The cos:// retry ledger's drain; null with SQS (which delivers by itself) or no retry queue.</summary>
    public RetryLedgerDrain? RetryLedger { get; init; }

    /// <summary>
    /// One unit of work from a host's edge: an event's (the floors hold) unless <paramref name="asker"/> says an operator
    /// asked; null <paramref name="deadline"/>: no deadline (the CLI, tests). Dispose it when done.
    /// </summary>
    public Invocation Begin(
        DateTimeOffset? deadline,
        CancellationToken ct,
        Asker asker = Asker.Event,
        CancellationToken stop = default,
        IProgress<SweepProgress>? progress = null,
        bool allowYoung = false
    ) => new(Time, Settings.DeadlineReserve, deadline, Queues, ct) { Asker = asker, Stop = stop, Progress = progress, AllowYoung = allowYoung };

    /// <summary>Builds the services on given ports.</summary>
    public static FunctionServices Create(
        Settings settings,
        IObjectStore store,
        QueuePair queues,
        TextWriter logOutput,
        LogLevel? logLevel = null,
        TimeProvider? time = null,
        // A drain for the tick other than the ledger's own (tests hand in a double).
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
        var timers = new UploadTimer(store, workflow, settings, log, time);
        var requests = new RequestRunner(workflow, new DeferredUploads(workflow, settings, log), sweeps, timers, reports, settings, log, time, concurrency);
        var messages = new MessageRunner(requests, log);
        var ledgerDrain = queues.Retry is IRetryLedger ledger ? new RetryLedgerDrain(ledger, queues.DeadLetter, messages, settings, log, time) : null;
        requests.RetryDrain = retryDrain ?? ledgerDrain;
        requests.PageWriter = pages;
        var sqsBatches = new SqsBatchHandler(messages, log, concurrency);
        var refusals = new RefusalLog(log, time);
        var webhooks = new WebhookHandler(requests, settings, refusals, time);
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
            Lifecycle = lifecycle,
            Reports = reports,
            LifecycleCheck = new LifecycleCheck(scan, lifecycle, reports),
            Scan = scan,
            Requests = requests,
            Webhooks = webhooks,
            Events = new EventRouter(requests, sqsBatches, webhooks),
            RetryLedger = ledgerDrain,
            Refusals = refusals,
            CloudEvents = new CloudEventHandler(requests, settings, log, refusals, time),
        };
    }
}
