using System.Text;
using System.Text.Json;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;
using MultipartAbort.Tests.Workflow;

namespace MultipartAbort.Tests.Hardening;

/// <summary>Issue 9 defects 5 to 8: the guards fail closed.</summary>
public class GuardTests
{
    private static Settings Load(params (string Name, string? Value)[] vars) =>
        Settings.Load(new DictionaryEnvironment(vars.ToDictionary(v => v.Name, v => v.Value)));

    [Theory]
    [InlineData("ALLOWED_BUCKETS", "")]
    [InlineData("ALLOWED_BUCKETS", "   ")]
    [InlineData("ALLOWED_BUCKETS", ",")]
    [InlineData("ALLOWED_BUCKETS", " , ,")]
    [InlineData("ALLOWED_PREFIXES", "")]
    [InlineData("ALLOWED_PREFIXES", ",,")]
    public void Load_WhenAnAllowlistIsSetButNamesNothing_IsAConfigurationErrorNamingIt(string name, string value)
    {
        var load = () => Load((name, value));

        load.Should().Throw<ConfigurationException>().Which.Message.Should().Contain(name).And.Contain("names nothing");
    }

    [Fact]
    public void Load_WhenAllowlistsAreUnset_AllowsAll()
    {
        Load().Access.Check("any-bucket", "any/key").Should().BeNull();
    }

    [Fact]
    public void Load_SweepMinAge_DefaultsToOneHourAndRefusesSweepTargetsBelowIt()
    {
        Load().SweepMinAge.Should().Be(TimeSpan.FromHours(1));
        Load(("SWEEP_MIN_AGE", "PT0S")).SweepMinAge.Should().Be(TimeSpan.Zero);

        var load = () => Load(("SWEEP_TARGETS", "photos:PT10M"));

        load.Should().Throw<ConfigurationException>().Which.Message.Should().Contain("SWEEP_TARGETS").And.Contain("SWEEP_MIN_AGE");
    }

    private static async Task<JsonElement> Invoke(WorkflowHarness h, string json)
    {
        var services = h.Services();
        var response = await services.Events.HandleAsync(Encoding.UTF8.GetBytes(json), services.Begin(null, CancellationToken.None));
        return JsonDocument.Parse(response.Body).RootElement;
    }

    [Theory]
    [InlineData("""{"sweep":{"bucket":"bkt","olderThan":"PT0S"}}""")]
    [InlineData("""{"sweep":{"bucket":"bkt","olderThan":"PT59M"}}""")]
    [InlineData("""{"version":"0","id":"e","detail-type":"x","source":"s","detail":{"sweep":{"bucket":"bkt","olderThan":"PT0S"}}}""")]
    [InlineData("""{"specversion":"1.0","id":"c","source":"/s","type":"t","data":{"sweep":{"bucket":"bkt","olderThan":"PT1S"}}}""")]
    [InlineData("""{"value":{"sweep":{"bucket":"bkt","olderThan":"PT0S"}}}""")]
    public async Task SweepEvent_WithOlderThanBelowSweepMinAge_IsRejectedWithoutListing(string json)
    {
        var h = new WorkflowHarness();
        h.Store.Add("bkt", "live", "u", initiated: WorkflowHarness.Now.AddMinutes(-1));

        var root = await Invoke(h, json);

        var result = root.GetProperty("results")[0];
        result.GetProperty("outcome").GetString().Should().Be("rejected");
        result.GetProperty("message").GetString().Should().Contain("SWEEP_MIN_AGE");
        (h.Store.ListUploadsCalls + h.Store.AbortCalls).Should().Be(0);
    }

    [Fact]
    public async Task SweepEvent_WhenSweepMinAgeIsLoweredExplicitly_Runs()
    {
        var h = new WorkflowHarness { Settings = new Settings { ReabortBackoff = TimeSpan.Zero, SweepMinAge = TimeSpan.Zero, MinIdle = TimeSpan.Zero } };
        h.Store.Add("bkt", "old", "u", initiated: WorkflowHarness.Now.AddMinutes(-1));

        var root = await Invoke(h, """{"sweep":{"bucket":"bkt","olderThan":"PT0S"}}""");

        root.GetProperty("summary").GetProperty("aborted").GetInt32().Should().Be(1);
    }

    /// <summary>Lists nothing at all, as a store whose listing misses an upload (or lags behind) does.</summary>
    private sealed class BlindListingStore : ScriptedObjectStore
    {
        public override Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken ct) => Task.FromResult(new UploadsPage([], false, null, null));
    }

    [Fact]
    public async Task MinUploadAge_WhenTheUploadIsNotInTheListingButExists_RejectsItInsteadOfAborting()
    {
        var h = new WorkflowHarness { Settings = new Settings { ReabortBackoff = TimeSpan.Zero, MinUploadAge = TimeSpan.FromHours(1) } };
        var store = new BlindListingStore();
        store.Add("bkt", "k", "u", parts: 2, initiated: WorkflowHarness.Now.AddMinutes(-1));

        var result = await h.RunAsync(new AbortRequest("bkt", "k", "u"), AbortOptions.Direct, store);

        result.Outcome.Should().Be(AbortOutcome.Rejected);
        result.Message.Should().Contain("MIN_UPLOAD_AGE").And.Contain("age is unknown");
        store.AbortCalls.Should().Be(0);
    }

    [Fact]
    public async Task MinUploadAge_WhenTheUploadIsNotListedAndListPartsSaysGone_IsAlreadyGoneWithoutAnAbort()
    {
        var h = new WorkflowHarness { Settings = new Settings { ReabortBackoff = TimeSpan.Zero, MinUploadAge = TimeSpan.FromHours(1) } };

        var result = await h.RunAsync(new AbortRequest("bkt", "k", "gone"));

        result.Outcome.Should().Be(AbortOutcome.AlreadyGone);
        h.Store.AbortCalls.Should().Be(0);
    }

    [Fact]
    public async Task MissingBucket_IsDeadLetteredNamingNoSuchBucketNeverAlreadyGone()
    {
        var h = new WorkflowHarness();
        h.Store.FailWith = op => new StoreException(op, "NoSuchBucket: The specified bucket does not exist", false, "NoSuchBucket");

        var root = await Invoke(h, DeadlineHarness.Upload("typo-bucket", "k", "u"));

        var result = root.GetProperty("results")[0];
        result.GetProperty("outcome").GetString().Should().Be("dead-lettered");
        result.GetProperty("message").GetString().Should().Contain("NoSuchBucket");
    }

    public static TheoryData<string, string, string> ImpossibleNames =>
        new()
        {
            { new string('b', 200), "k", "bucket must be 3 to 63 characters" },
            { "ab", "k", "bucket must be 3 to 63 characters" },
            { "bad/bucket", "k", "bucket may hold only" },
            { "bucket\u0001x", "k", "U+0001" },
            { "-bucket", "k", "must start and end with a letter or digit" },
            { "a..b", "k", "must not contain '..'" },
            { "192.168.1.1", "k", "must not be an IP address" },
            { "bkt", "a\u0000b", "key contains U+0000" },
            { "bkt", new string('k', 1025), "1025 bytes of UTF-8" },
            { "bkt", new string('é', 513), "key is 1026 bytes of UTF-8" },
        };

    [Theory]
    [MemberData(nameof(ImpossibleNames))]
    public async Task Request_NamingABucketOrKeyThatCannotExist_IsRejectedBeforeAnyStoreCall(string bucket, string key, string expected)
    {
        var h = new WorkflowHarness();

        var root = await Invoke(h, DeadlineHarness.Upload(bucket, key, "u"));

        var result = root.GetProperty("results")[0];
        result.GetProperty("outcome").GetString().Should().Be("rejected");
        result.GetProperty("message").GetString().Should().Contain(expected);
        (h.Store.AbortCalls + h.Store.ListPartsCalls + h.Store.ListUploadsCalls).Should().Be(0);
    }

    [Fact]
    public async Task Request_WithALoneSurrogateInTheKey_IsRejectedNamingIt()
    {
        var h = new WorkflowHarness();

        var root = await Invoke(h, """{"bucket":"bkt","key":"a\ud800b","uploadId":"u"}""");

        root.GetProperty("results")[0].GetProperty("message").GetString().Should().Contain("key is not valid Unicode");
        (h.Store.AbortCalls + h.Store.ListPartsCalls).Should().Be(0);
    }

    [Theory]
    [InlineData("Legacy_Bucket")]
    [InlineData("my.bucket-01")]
    [InlineData("abc")]
    public async Task Request_NamingALegacyOrDottedBucket_IsAccepted(string bucket)
    {
        var h = new WorkflowHarness();
        h.Store.Add(bucket, "k", "u");

        var root = await Invoke(h, DeadlineHarness.Upload(bucket, "k", "u"));

        root.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("aborted");
    }
}
