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
        var start = new ProcessStartInfo(await PublishedMpa.PathAsync())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        foreach (var (name, value) in moto.FunctionEnvironment())
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
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

    [Fact]
    public async Task Invoke_WithBadConfiguration_NamesTheVariableAndExitsThree()
    {
        var start = await Mpa("", "invoke", """{"bucket":"bkt","key":"k","uploadId":"u"}""", "--endpoint", "ftp://nope");

        start.Code.Should().Be(3);
        start.Stderr.Should().Contain("COS_ENDPOINT must be an absolute http(s) URL; got 'ftp://nope'");
        start.Stdout.Should().BeEmpty();
    }
}
