namespace MultipartAbort.Http.Tests.Deploy;

/// <summary>infra/ibm/deploy.sh: the ibmcloud ce commands and flags it runs (or prints), with a recording fake ibmcloud.</summary>
public sealed class DeployScriptTests : IDisposable
{
    private const string Image = "us.icr.io/my-namespace/multipart-abort:1.0";
    private const string WebhookSecret = "whsec-do-not-print-0123";
    private const string ApiKey = "apikey-do-not-print-4567";
    private readonly FakeIbmCloud _ibmcloud = new();

    private static Dictionary<string, string> Settings(params (string Name, string Value)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["IMAGE"] = Image,
            ["CE_PROJECT"] = "uploads-cleanup",
            ["WEBHOOK_SECRET"] = WebhookSecret,
            ["COS_API_KEY"] = ApiKey,
            ["COS_ENDPOINT"] = "https://s3.direct.us-south.cloud-object-storage.appdomain.cloud",
            ["COS_REGION"] = "us-south",
            ["RETRY_QUEUE_URL"] = "cos://ledger-bucket/retry/",
            ["SWEEP_TARGETS"] = "my-uploads/tmp/:P1D",
        };
        foreach (var (name, value) in extra)
            env[name] = value;
        return env;
    }

    private static string[] Mutating(IEnumerable<string[]> calls) => calls.Where(c => !c.Contains("get")).Select(c => string.Join(' ', c)).ToArray();

    [Fact]
    public async Task Print_WhenNothingExists_PrintsTheCreateCommandsAndChangesNothing()
    {
        var run = await _ibmcloud.RunAsync(Settings(), [], "--print");

        run.ExitCode.Should().Be(0, run.Stderr);
        run.Lines.Should().Equal(
            "ibmcloud ce project create --name uploads-cleanup",
            "ibmcloud ce project select --name uploads-cleanup",
            "ibmcloud ce secret create --name multipart-abort-secrets --from-literal 'WEBHOOK_SECRET=***' --from-literal 'COS_API_KEY=***'",
            "ibmcloud ce configmap create --name multipart-abort-config --from-literal CLOUDEVENTS_TRUSTED=true "
                + "--from-literal COS_ENDPOINT=https://s3.direct.us-south.cloud-object-storage.appdomain.cloud --from-literal COS_REGION=us-south "
                + "--from-literal RETRY_QUEUE_URL=cos://ledger-bucket/retry/ --from-literal SWEEP_TARGETS=my-uploads/tmp/:P1D",
            $"ibmcloud ce application create --name multipart-abort --image {Image} --port 8080 --visibility project --min-scale 0 --max-scale 3 "
                + "--env-from-secret multipart-abort-secrets --env-from-configmap multipart-abort-config",
            "ibmcloud ce subscription cron create --name multipart-abort-tick --destination-type app --destination multipart-abort --path / "
                + "--schedule '*/5 * * * *' --content-type application/json --data '{}'"
        );
        Mutating(_ibmcloud.Calls).Should().BeEmpty("print mode only looks things up");
        (run.Stdout + run.Stderr).Should().NotContain(WebhookSecret).And.NotContain(ApiKey);
    }

    [Fact]
    public async Task Print_WhenEverythingExists_PrintsUpdatesAndSelectsTheProject()
    {
        string[] existing = ["project:uploads-cleanup", "secret:multipart-abort-secrets", "configmap:multipart-abort-config", "application:multipart-abort", "subscription cron:multipart-abort-tick"];

        var run = await _ibmcloud.RunAsync(Settings(), existing, "--print");

        run.ExitCode.Should().Be(0, run.Stderr);
        run.Lines.Select(l => string.Join(' ', l.Split(' ').Take(4))).Should().Equal(
            "ibmcloud ce project select",
            "ibmcloud ce secret update",
            "ibmcloud ce configmap update",
            "ibmcloud ce application update",
            "ibmcloud ce subscription cron"
        );
        run.Lines[^1].Should().StartWith("ibmcloud ce subscription cron update --name multipart-abort-tick");
    }

    [Fact]
    public async Task Run_RunsTheCommandsWithTheRealValues()
    {
        var run = await _ibmcloud.RunAsync(Settings(), ["project:uploads-cleanup"]);

        run.ExitCode.Should().Be(0, run.Stderr);
        run.Stdout.Should().BeEmpty();
        Mutating(_ibmcloud.Calls).Should().Equal(
            "ce project select --name uploads-cleanup",
            $"ce secret create --name multipart-abort-secrets --from-literal WEBHOOK_SECRET={WebhookSecret} --from-literal COS_API_KEY={ApiKey}",
            "ce configmap create --name multipart-abort-config --from-literal CLOUDEVENTS_TRUSTED=true "
                + "--from-literal COS_ENDPOINT=https://s3.direct.us-south.cloud-object-storage.appdomain.cloud --from-literal COS_REGION=us-south "
                + "--from-literal RETRY_QUEUE_URL=cos://ledger-bucket/retry/ --from-literal SWEEP_TARGETS=my-uploads/tmp/:P1D",
            $"ce application create --name multipart-abort --image {Image} --port 8080 --visibility project --min-scale 0 --max-scale 3 "
                + "--env-from-secret multipart-abort-secrets --env-from-configmap multipart-abort-config",
            "ce subscription cron create --name multipart-abort-tick --destination-type app --destination multipart-abort --path / "
                + "--schedule */5 * * * * --content-type application/json --data {}"
        );
        _ibmcloud.Calls.Single(c => c.Contains("cron") && c.Contains("create")).Should().Contain("*/5 * * * *", "the schedule is one argument");
    }

    [Fact]
    public async Task Print_WithASweepJobAndRegistryPassword_AddsTheRegistrySecretTheJobAndItsSchedule()
    {
        var run = await _ibmcloud.RunAsync(
            Settings(("JOB_SWEEP_BUCKET", "my-uploads"), ("JOB_SWEEP_PREFIX", "tmp/"), ("JOB_SCHEDULE", "0 3 * * *"), ("REGISTRY_PASSWORD", "registry-key-secret")),
            [],
            "--print"
        );

        run.ExitCode.Should().Be(0, run.Stderr);
        run.Lines.Should().Contain("ibmcloud ce registry create --name multipart-abort-registry --server us.icr.io --username iamapikey --password '***'");
        run.Lines.Should().Contain(
            $"ibmcloud ce job create --name multipart-abort-sweep --image {Image} --registry-secret multipart-abort-registry --command /app/mpa "
                + "--argument sweep --argument --bucket --argument my-uploads --argument --older-than --argument P1D --argument --prefix --argument tmp/ "
                + "--env-from-secret multipart-abort-secrets --env-from-configmap multipart-abort-config"
        );
        run.Lines.Should().NotContain(l => l.Contains("--array-indices", StringComparison.Ordinal), "one shard is a plain job");
        run.Lines.Should().Contain("ibmcloud ce subscription cron create --name multipart-abort-sweep-schedule --destination-type job --destination multipart-abort-sweep --schedule '0 3 * * *'");
        run.Lines.Where(l => l.StartsWith("ibmcloud ce application", StringComparison.Ordinal)).Should().ContainSingle().Which.Should().Contain("--registry-secret multipart-abort-registry");
        run.Stdout.Should().NotContain("registry-key-secret");
    }

    [Fact]
    public async Task Print_WithJobShards_MakesTheSweepJobAnArrayJobOfThatManyInstances()
    {
        var run = await _ibmcloud.RunAsync(Settings(("JOB_SWEEP_BUCKET", "my-uploads"), ("JOB_SHARDS", "16")), [], "--print");

        run.ExitCode.Should().Be(0, run.Stderr);
        run.Lines.Should().ContainSingle(l => l.StartsWith("ibmcloud ce job create", StringComparison.Ordinal))
            .Which.Should().Contain("--array-indices 0-15").And.NotContain("--shard", "each instance takes its shard from JOB_INDEX/JOB_ARRAY_SIZE");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("four")]
    [InlineData("1001")]
    public async Task Run_WhenJobShardsIsNotACount_FailsNamingItAndRunsNothing(string shards)
    {
        var run = await _ibmcloud.RunAsync(Settings(("JOB_SWEEP_BUCKET", "my-uploads"), ("JOB_SHARDS", shards)), []);

        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain($"JOB_SHARDS must be a whole number from 1 to 1000; got '{shards}'");
        _ibmcloud.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task Print_WhenPublic_DoesNotTrustCloudEventsAndCreatesNoCronSubscription()
    {
        var run = await _ibmcloud.RunAsync(Settings(("VISIBILITY", "public")), [], "--print");

        run.ExitCode.Should().Be(0, run.Stderr);
        run.Lines.Should().ContainSingle(l => l.StartsWith("ibmcloud ce configmap", StringComparison.Ordinal)).Which.Should().Contain("CLOUDEVENTS_TRUSTED=false");
        run.Lines.Should().ContainSingle(l => l.StartsWith("ibmcloud ce application", StringComparison.Ordinal)).Which.Should().Contain("--visibility public");
        run.Lines.Should().NotContain(l => l.Contains("subscription cron", StringComparison.Ordinal));
        run.Stderr.Should().Contain("no cron subscription");
    }

    [Theory]
    [InlineData("public")]
    [InlineData("private")]
    public async Task Run_WhenReachableFromOutsideWithoutAMetricsToken_MakesOneInTheSecretAndSaysHowToScrape(string visibility)
    {
        var run = await _ibmcloud.RunAsync(Settings(("VISIBILITY", visibility)), ["project:uploads-cleanup"]);

        run.ExitCode.Should().Be(0, run.Stderr);
        var secret = Mutating(_ibmcloud.Calls).Should().ContainSingle(c => c.StartsWith("ce secret create", StringComparison.Ordinal)).Subject;
        var token = System.Text.RegularExpressions.Regex.Match(secret, "--from-literal METRICS_TOKEN=([0-9a-f]{64})(?: |$)").Groups[1].Value;
        token.Should().NotBeEmpty("a 256-bit random token goes into the secret: {0}", secret);
        run.Stderr.Should().Contain("METRICS_TOKEN").And.Contain("--decode").And.Contain("credentials_file");
        (run.Stdout + run.Stderr).Should().NotContain(token);

        var again = await _ibmcloud.RunAsync(Settings(("VISIBILITY", visibility)), ["project:uploads-cleanup"]);
        Mutating(_ibmcloud.Calls).Where(c => c.StartsWith("ce secret create", StringComparison.Ordinal)).Last().Should().NotContain(token, "each new secret gets its own token");
    }

    [Fact]
    public async Task Print_WhenPublic_MasksTheMadeToken_AndKeepsOneTheSecretAlreadyHolds()
    {
        var made = await _ibmcloud.RunAsync(Settings(("VISIBILITY", "public")), [], "--print");
        made.Lines.Should().ContainSingle(l => l.StartsWith("ibmcloud ce secret create", StringComparison.Ordinal)).Which.Should().Contain("--from-literal 'METRICS_TOKEN=***'");

        var kept = await _ibmcloud.RunAsync(
            Settings(("VISIBILITY", "public"), ("FAKE_IBMCLOUD_GET_OUTPUT", """{"data":{"METRICS_TOKEN":"c2VjcmV0"}}""")),
            ["secret:multipart-abort-secrets"],
            "--print");
        kept.ExitCode.Should().Be(0, kept.Stderr);
        kept.Lines.Should().ContainSingle(l => l.StartsWith("ibmcloud ce secret update", StringComparison.Ordinal)).Which.Should().NotContain("METRICS_TOKEN", "a redeploy keeps the token the scraper holds");

        var given = await _ibmcloud.RunAsync(Settings(("VISIBILITY", "public"), ("METRICS_TOKEN", "given-token-0123456789")), []);
        Mutating(_ibmcloud.Calls).Last(c => c.StartsWith("ce secret create", StringComparison.Ordinal)).Should().Contain("--from-literal METRICS_TOKEN=given-token-0123456789");
        given.Stderr.Should().NotContain("METRICS_TOKEN made");
    }

    [Fact]
    public async Task Print_WithASecretsEnvFile_CreatesTheSecretFromIt()
    {
        var file = Path.GetTempFileName();
        try
        {
            var settings = Settings(("SECRETS_ENV_FILE", file));
            settings.Remove("WEBHOOK_SECRET");
            settings.Remove("COS_API_KEY");

            var run = await _ibmcloud.RunAsync(settings, [], "--print");

            run.ExitCode.Should().Be(0, run.Stderr);
            run.Lines.Should().Contain($"ibmcloud ce secret create --name multipart-abort-secrets --from-env-file {file}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("IMAGE")]
    [InlineData("CE_PROJECT")]
    public async Task Run_WhenARequiredSettingIsMissing_FailsNamingItAndRunsNothing(string missing)
    {
        var settings = Settings();
        settings.Remove(missing);

        var run = await _ibmcloud.RunAsync(settings, []);

        run.ExitCode.Should().NotBe(0);
        run.Stderr.Should().Contain(missing);
        _ibmcloud.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task Run_WhenNoSecretIsGiven_FailsBeforeCreatingTheApp()
    {
        var settings = Settings();
        settings.Remove("WEBHOOK_SECRET");
        settings.Remove("COS_API_KEY");

        var run = await _ibmcloud.RunAsync(settings, ["project:uploads-cleanup"]);

        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain("no secret given");
        Mutating(_ibmcloud.Calls).Should().NotContain(c => c.Contains("application", StringComparison.Ordinal));
    }

    public void Dispose() => _ibmcloud.Dispose();
}
