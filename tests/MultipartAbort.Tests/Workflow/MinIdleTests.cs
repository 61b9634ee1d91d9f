using System.Text;
using System.Text.Json;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Tests.Workflow;

/// <summary>MIN_IDLE through the paths a store double reaches: a re-queue before the abort still owes the check.</summary>
public sealed class MinIdleTests
{
    private static readonly DateTimeOffset Now = WorkflowHarness.Now;

    [Fact]
    public async Task SweptUpload_RequeuedBeforeItsAbort_CarriesMinIdle_AndIsLeftAloneWhenItRunsAgainWhileActive()
    {
        var h = new WorkflowHarness { Settings = new Settings { MinIdle = TimeSpan.FromHours(1), SweepMinAge = TimeSpan.Zero, ReabortBackoff = TimeSpan.Zero } };
        var upload = h.Store.Add("bkt", "live.bin", "u", parts: 2, initiated: Now - TimeSpan.FromDays(2));
        upload.NewestPart = Now - TimeSpan.FromMinutes(5);
        var failures = 1;
        h.Store.FailWith = op => op == "ListParts" && Interlocked.Decrement(ref failures) >= 0 ? new StoreException(op, "HTTP 503", true) : null;

        var services = h.Services();
        var sweep = await services.Events.HandleAsync(Encoding.UTF8.GetBytes("""{"sweep":{"bucket":"bkt","olderThan":"P1D"}}"""), services.Begin(null, CancellationToken.None));
        var (body, _) = h.Retry.Sent.Should().ContainSingle().Which;
        services = h.Services();
        var again = await services.Events.HandleAsync(Encoding.UTF8.GetBytes(body), services.Begin(null, CancellationToken.None));

        sweep.Result!.Summary[AbortOutcome.Requeued].Should().Be(1, "the probe failed transiently");
        JsonDocument.Parse(body).RootElement.GetProperty("minIdle").GetString().Should().Be("PT1H", "the check was not done yet");
        again.Result!.Results.Should().ContainSingle().Which.Outcome.Should().Be(AbortOutcome.Active);
        upload.Aborted.Should().BeFalse("a part landed five minutes ago");
    }

    [Fact]
    public async Task UploadRequeuedAfterItsAbort_DoesNotCarryMinIdle_SoALatePartIsAbortedNotMistakenForLife()
    {
        var h = new WorkflowHarness { Settings = new Settings { MinIdle = TimeSpan.FromHours(1), SweepMinAge = TimeSpan.Zero, ReabortBackoff = TimeSpan.Zero, ImmediateReaborts = 0 } };
        h.Store.Add("bkt", "k", "u", parts: 1, lateLandings: 1, initiated: Now - TimeSpan.FromDays(2)).NewestPart = Now - TimeSpan.FromHours(3);

        var services = h.Services();
        await services.Events.HandleAsync(Encoding.UTF8.GetBytes("""{"sweep":{"bucket":"bkt","olderThan":"P1D"}}"""), services.Begin(null, CancellationToken.None));

        var (body, _) = h.Retry.Sent.Should().ContainSingle().Which;
        JsonDocument.Parse(body).RootElement.TryGetProperty("minIdle", out _).Should().BeFalse();
    }

    [Fact]
    public async Task AnUploadWhoseActivityCannotBeLearned_IsLeftAlone()
    {
        var h = new WorkflowHarness { Settings = new Settings { ReabortBackoff = TimeSpan.Zero } };
        var store = new UndatedStore();
        store.Add("bkt", "k", "u", parts: 0);

        var result = await h.RunAsync(new AbortRequest("bkt", "k", "u") { MinIdle = TimeSpan.FromHours(1) }, Core.Abort.AbortOptions.Direct, store);

        result.Outcome.Should().Be(AbortOutcome.Active);
        result.Message.Should().Contain("unknown");
        store.AbortCalls.Should().Be(0);
    }

    /// <summary>Lists no upload (so no start time is known) and gives parts no time.</summary>
    private sealed class UndatedStore : MultipartAbort.Testing.ScriptedObjectStore
    {
        public override Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken ct) => Task.FromResult(new UploadsPage([], false, null, null));
    }

    [Theory]
    [InlineData("PT0S", true)]
    [InlineData("PT59M", true)]
    [InlineData("PT2H", false)]
    public async Task ASweepEvent_MayRaiseMinIdle_NeverLowerIt(string asked, bool refused)
    {
        var h = new WorkflowHarness { Settings = new Settings { MinIdle = TimeSpan.FromHours(1), ReabortBackoff = TimeSpan.Zero } };
        var upload = h.Store.Add("bkt", "k", "u", parts: 1, initiated: Now - TimeSpan.FromDays(2));
        upload.NewestPart = Now - TimeSpan.FromMinutes(30);

        var services = h.Services();
        var answer = await services.Events.HandleAsync(Encoding.UTF8.GetBytes("{\"sweep\":{\"bucket\":\"bkt\",\"olderThan\":\"P1D\",\"minIdle\":\"" + asked + "\"}}"), services.Begin(null, CancellationToken.None));

        if (refused)
            answer.Result!.Results.Should().ContainSingle().Which.Message.Should().Contain($"sweep.minIdle {asked} is below MIN_IDLE (PT1H)");
        else
            answer.Result!.Sweeps.Should().ContainSingle().Which.Active.Should().Be(1);
        upload.Aborted.Should().BeFalse("a part landed 30 minutes ago");
    }

    [Theory]
    [InlineData(null, "P1D", true)]
    [InlineData("P3D", "P1D", true)]
    [InlineData("P1D", "P1D", false)]
    [InlineData("P1D", "P3D", false)]
    public async Task ASweepEvent_MayRaiseMaxAge_NeverLowerIt_AndACapReachedTakesAnActiveUpload(string? setting, string asked, bool refused)
    {
        var h = new WorkflowHarness
        {
            Settings = new Settings { MinIdle = TimeSpan.FromHours(1), MaxUploadAge = setting is null ? null : IsoDuration.Parse(setting), ReabortBackoff = TimeSpan.Zero },
        };
        var upload = h.Store.Add("bkt", "k", "u", parts: 1, initiated: Now - TimeSpan.FromDays(2));
        upload.NewestPart = Now - TimeSpan.FromMinutes(30);

        var services = h.Services();
        var answer = await services.Events.HandleAsync(Encoding.UTF8.GetBytes("{\"sweep\":{\"bucket\":\"bkt\",\"olderThan\":\"P1D\",\"maxAge\":\"" + asked + "\"}}"), services.Begin(null, CancellationToken.None));

        if (refused)
        {
            var rejection = answer.Result!.Results.Should().ContainSingle().Which;
            rejection.Message.Should().Contain($"sweep.maxAge {asked} is below MAX_UPLOAD_AGE");
            rejection.Field.Should().Be("sweep.maxAge");
            upload.Aborted.Should().BeFalse("nothing was listed");
            return;
        }
        var sweep = answer.Result!.Sweeps.Should().ContainSingle().Which;
        var overCap = IsoDuration.Parse(asked) < TimeSpan.FromDays(2);
        sweep.MaxUploadAge.Should().Be(asked);
        (sweep.Aborted, sweep.Active, sweep.OverMaxAge).Should().Be(overCap ? (1, 0, 1) : (0, 1, 0));
        upload.Aborted.Should().Be(overCap, "the upload began two days ago; a part landed 30 minutes ago");
    }
}
