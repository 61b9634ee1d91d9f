using System.Diagnostics;
using System.Text.Json;
using MultipartAbort.Testing;

namespace MultipartAbort.IntegrationTests;

/// <summary>The real mpa program (the Native AOT binary, <see cref="PublishedMpa"/>), run as a process against moto: stdout is the result JSON, the exit code the verdict.</summary>
[Collection(MotoCollection.Name)]
public sealed class MpaInvokeTests(MotoServer moto)
{
    private async Task<(int Code, string Stdout, string Stderr)> Mpa(string stdin, params string[] args)
    {
        var run = await MpaProcess.RunWithInputAsync(moto.FunctionEnvironment(), stdin, args);
        return (run.ExitCode, run.Stdout, run.Stderr);
    }

    [Fact]
    public async Task Invoke_FromStdin_AbortsAndExitsZero()
    {
        using var s3 = moto.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var uploadId = await seeder.UploadAsync(bucket, "k", parts: 2);

        var (code, stdout, _) = await Mpa($$"""{"bucket":"{{bucket}}","key":"k","uploadId":"{{uploadId}}"}""", "invoke", "-");

        code.Should().Be(0);
        JsonDocument.Parse(stdout).RootElement.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("aborted");
        (await seeder.PartCountAsync(bucket, "k", uploadId)).Should().BeNull();
    }

    [Fact]
    public async Task Invoke_Malformed_PrintsRejectedNamingTheFieldAndExitsNonZero()
    {
        var (code, stdout, stderr) = await Mpa("", "invoke", """{"bucket":"bkt","key":"k","uploadId":42}""");

        code.Should().Be(1);
        var result = JsonDocument.Parse(stdout).RootElement.GetProperty("results")[0];
        result.GetProperty("outcome").GetString().Should().Be("rejected");
        result.GetProperty("message").GetString().Should().Be("uploadId must be a string; got the number 42");
        stderr.Should().Contain("\"level\":\"Warning\"", "logs go to stderr, never into the result on stdout");
    }

    /// <summary>(name, stdin bytes, what the rejection names): each crashed mpa (exit 1, a stack trace) or acted on a changed key.</summary>
    public static TheoryData<string, byte[], string> HostileStdin => new()
    {
        { "lone surrogate property name", """{"\ud800":1,"bucket":"b-ok","key":"k","uploadId":"u"}"""u8.ToArray(), "a property name is not valid Unicode" },
        { "lone surrogate notBefore", """{"bucket":"b-ok","key":"k","uploadId":"u","notBefore":"x\ud800"}"""u8.ToArray(), "notBefore is not valid Unicode" },
        { "lone surrogate report glob", """{"report":{"buckets":["hostile-\ud800*"]}}"""u8.ToArray(), "not valid Unicode" },
        { "arabic-indic digits", """{"sweep":{"bucket":"b-ok","olderThan":"P١D"}}"""u8.ToArray(), "sweep.olderThan" },
        { "fullwidth digits", """{"sweep":{"bucket":"b-ok","olderThan":"P１D"}}"""u8.ToArray(), "sweep.olderThan" },
        { "duration past the calendar", """{"sweep":{"bucket":"b-ok","olderThan":"P800000D"}}"""u8.ToArray(), "P36500D" },
        { "minIdle past the calendar", """{"bucket":"b-ok","key":"k","uploadId":"u","minIdle":"P5000000D"}"""u8.ToArray(), "P36500D" },
        { "initiatedAt at the end of the calendar", """{"bucket":"b-ok","key":"k","initiatedAt":"9999-12-31T23:59:59Z"}"""u8.ToArray(), "initiatedAt" },
        { "invalid UTF-8 in the key", [.. "{\"bucket\":\"b-ok\",\"key\":\"odd/"u8, 0xFF, 0xFE, .. "\",\"uploadId\":\"u\"}"u8], "not valid UTF-8" },
    };

    [Theory]
    [MemberData(nameof(HostileStdin))]
    public async Task Invoke_HostileStdin_IsRejectedNamingTheProblem_WithoutACrash(string name, byte[] stdin, string expected)
    {
        var run = await MpaProcess.RunWithBytesAsync(moto.FunctionEnvironment(), stdin, "invoke", "-");

        run.ExitCode.Should().Be(1, name);
        run.Stderr.Should().NotContain("Unhandled exception").And.NotContain("   at ", "no stack trace");
        var results = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("results").EnumerateArray().ToArray();
        results.Should().NotBeEmpty().And.OnlyContain(r => r.GetProperty("outcome").GetString() == "rejected", name);
        results.Select(r => r.GetProperty("message").GetString()).Should().Contain(m => m!.Contains(expected), name);
    }

    [Fact]
    public async Task Invoke_WithNonAsciiDigitsInADurationSetting_IsAConfigurationError()
    {
        var env = moto.FunctionEnvironment().ToDictionary();
        env["MIN_UPLOAD_AGE"] = "P١D";

        var run = await MpaProcess.RunWithInputAsync(env, "", "invoke", """{"bucket":"bkt","key":"k","uploadId":"u"}""");

        run.ExitCode.Should().Be(3);
        run.Stderr.Should().Contain("MIN_UPLOAD_AGE");
    }

    [Fact]
    public async Task Invoke_WithBadConfiguration_NamesTheVariableAndExitsThree()
    {
        var start = await Mpa("", "invoke", """{"bucket":"bkt","key":"k","uploadId":"u"}""", "--endpoint", "ftp://nope");

        start.Code.Should().Be(3);
        start.Stderr.Should().Contain("COS_ENDPOINT must be an absolute http(s) URL; got 'ftp://nope'");
        start.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Invoke_SqsEventWithAPoisonRecord_ExitsNonZero()
    {
        var sqs = """{"Records":[{"messageId":"m1","receiptHandle":"rh","body":"not json","attributes":{},"eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:q","awsRegion":"us-east-1"}]}""";

        var (code, stdout, _) = await Mpa(sqs, "invoke", "-");

        JsonDocument.Parse(stdout).RootElement.GetProperty("batchItemFailures")[0].GetProperty("itemIdentifier").GetString().Should().Be("m1");
        code.Should().Be(1, "a record listed for redelivery is a failure");
    }

    [Theory]
    [InlineData("POST", 401)]
    [InlineData("GET", 405)]
    public async Task Invoke_HttpEventAnsweredWithAnError_ExitsNonZero(string method, int status)
    {
        var http = $$$"""{"version":"2.0","rawPath":"/","headers":{},"requestContext":{"http":{"method":"{{{method}}}","path":"/"}},"body":"{}","isBase64Encoded":false}""";

        var (code, stdout, _) = await Mpa(http, "invoke", "-");

        JsonDocument.Parse(stdout).RootElement.GetProperty("statusCode").GetInt32().Should().Be(status);
        code.Should().Be(1);
    }

    [Theory]
    [InlineData("key", "bytes of UTF-8")]
    [InlineData("bucket", "3 to 63 characters")]
    public async Task Invoke_TenMegabyteString_IsRejectedNamingTheProblem(string field, string expected)
    {
        var huge = new string('x', 10_000_000);
        var json = field == "key" ? $$"""{"bucket":"bkt","key":"{{huge}}","uploadId":"u"}""" : $$"""{"bucket":"{{huge}}","key":"k","uploadId":"u"}""";

        var (code, stdout, _) = await Mpa(json, "invoke", "-");

        code.Should().Be(1);
        var result = JsonDocument.Parse(stdout).RootElement.GetProperty("results")[0];
        result.GetProperty("outcome").GetString().Should().Be("rejected");
        result.GetProperty("message").GetString().Should().Contain(expected);
        stdout.Length.Should().BeLessThan(100_000, "a rejected name is cut in the answer");
    }

    [Theory]
    [InlineData("{\"bucket\":\"bkt\",\"key\":\"a\\u0000b\",\"uploadId\":\"u\"}", "U+0000")]
    [InlineData("{\"bucket\":\"bkt\",\"key\":\"k\",\"uploadId\":\"u\",\"attempt\":-5}", "attempt must be a whole number")]
    [InlineData("[1,2,3]", "must be a JSON object")]
    public async Task Invoke_HostileEvent_IsRejectedNamingTheProblem(string json, string expected)
    {
        var (code, stdout, _) = await Mpa(json, "invoke", "-");

        code.Should().Be(1);
        stdout.Should().Contain("\"rejected\"").And.Contain(expected);
    }

    [Fact]
    public async Task Sweep_OlderThanBelowSweepMinAge_IsRefusedUnlessAllowYoung()
    {
        using var s3 = moto.CreateS3Client();
        var bucket = await new StoreSeeder(s3).BucketAsync();

        var (refused, _, stderr) = await Mpa("", "sweep", "--bucket", bucket, "--older-than", "PT5M", "--json");
        var (allowed, stdout, _) = await Mpa("", "sweep", "--bucket", bucket, "--older-than", "PT5M", "--allow-young", "--json");

        refused.Should().Be(2);
        stderr.Should().Contain("SWEEP_MIN_AGE").And.Contain("--allow-young");
        allowed.Should().Be(0);
        stdout.Should().Contain("\"sweep\"");
    }
}
