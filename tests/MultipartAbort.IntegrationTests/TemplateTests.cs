using System.Diagnostics;

namespace MultipartAbort.IntegrationTests;

/// <summary>
/// template.yaml against the deployment rules (the README, "Deployment shapes", issue 9 items 9-11), checked by
/// infra/aws/check-template.py (python3 with cfn-lint's YAML loader, which understands !Ref and !Sub), and linted.
/// Each rule is also shown to fail on a template that breaks it, so the check cannot pass vacuously.
/// </summary>
public sealed class TemplateTests
{
    private static readonly string Root = FindRoot();
    private static readonly string TemplatePath = Path.Combine(Root, "template.yaml");
    private static readonly string Checker = Path.Combine(Root, "infra", "aws", "check-template.py");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Functions.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Code, string Output)> Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Root };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<(int Code, string Output)> CheckMutated(string find, string replace)
    {
        var original = await File.ReadAllTextAsync(TemplatePath);
        original.Should().Contain(find, "the mutation must apply to the current template");
        var path = Path.Combine(Path.GetTempPath(), $"template-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, original.Replace(find, replace, StringComparison.Ordinal));
        try
        {
            return await Run("python3", Checker, path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Template_FollowsTheDeploymentRules()
    {
        var (code, output) = await Run("python3", Checker, TemplatePath);

        output.Should().Contain("OK");
        code.Should().Be(0, output);
    }

    [Fact]
    public async Task Template_IsCfnLintClean()
    {
        var (code, output) = await Run("cfn-lint", TemplatePath);

        code.Should().Be(0, output);
    }

    [Fact]
    public async Task Makefile_TargetsTheTemplatesArchitecture()
    {
        var template = await File.ReadAllTextAsync(TemplatePath);
        var declared = template.Contains("  Architecture:\n    Type: String\n    Default: arm64", StringComparison.Ordinal) ? "linux-arm64" : "linux-x64";

        // -n prints the commands without running them; LAMBDA_CROSS=1 lets it get past the host check to the publish line.
        var (code, output) = await Run("make", "-n", "--no-print-directory", "build-MultipartAbortFunction", "LAMBDA_CROSS=1");

        code.Should().Be(0, output);
        output.Should().Contain($"-r {declared} ", "the Makefile builds for the Architecture default in template.yaml");
    }

    [Fact]
    public async Task Makefile_ForAnArchitectureThisMachineCannotLink_FailsBeforeBuilding()
    {
        var host = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "x86_64";
        var other = host == "arm64" ? "x86_64" : "arm64";

        var (code, output) = await Run("make", "--no-print-directory", "build-MultipartAbortFunction", $"LAMBDA_ARCH={other}", "ARTIFACTS_DIR=/nonexistent/out");

        code.Should().NotBe(0);
        output.Should().Contain($"the function is {other}").And.Contain($"this machine is {host}").And.NotContain("dotnet publish");
    }

    [Theory]
    [InlineData("Action: sqs:SendMessage\n                Resource: [!GetAtt RetryQueue.Arn", "Action: sqs:*\n                Resource: [!GetAtt RetryQueue.Arn", "RequeueAndDeadLetter: wildcard action 'sqs:*'")]
    [InlineData("Action: s3:ListBucketMultipartUploads", "Action: s3:List*", "ListUploadsOfBuckets: wildcard action 's3:List*'")]
    [InlineData("Resource: !GetAtt RetryQueue.Arn\n", "Resource: \"*\"\n", "PollTheRetryQueue: wildcard resource '*' beyond what the README allows")]
    [InlineData("Resource: !Sub ${FunctionLogGroup.Arn}:*", "Resource: !Sub arn:${AWS::Partition}:logs:*:*:*", "WriteOwnLogs: wildcard resource")]
    [InlineData("Action: kms:Decrypt\n                  Resource: !Ref SecretsKmsKeyArn", "Action: kms:Decrypt\n                  Resource: \"*\"", "DecryptOwnSecretParameters: wildcard resource '*'")]
    [InlineData("kms:ViaService: !Sub", "kms:CallerAccount: !Sub", "kms:Decrypt without a kms:ViaService condition")]
    [InlineData("Action: [ssm:GetParameters, ssm:GetParameter]", "Action: [ssm:GetParameters, ssm:GetParametersByPath]", "'ssm:GetParametersByPath': the function only reads its own parameters")]
    [InlineData("!Sub \"arn:${AWS::Partition}:ssm:", "!Sub \"arn:aws:ssm:", "hard-coded partition in 'arn:aws:ssm:")]
    [InlineData("trail/${AWS::StackName}-upload-ttl", "trail/${AWS::StackName}-upload-ttl-arn:aws-us-gov:x", "hard-coded partition in")]
    [InlineData("WEBHOOK_SECRET_PARAMETER: !If", "WEBHOOK_SECRET: !If", "secret WEBHOOK_SECRET in the environment")]
    [InlineData("COS_SECRET_ACCESS_KEY_PARAMETER: !If [HasCosSecretAccessKeyParameter, !Ref CosSecretAccessKeyParameter",
        "COS_SECRET_ACCESS_KEY_PARAMETER: !If [HasCosSecretAccessKeyParameter, \"{{resolve:ssm-secure:/mpa/secret}}\"", "resolves a secret into the environment")]
    [InlineData("    Condition: HasWebhookSecret\n    Properties:\n      AuthType: NONE", "    Properties:\n      AuthType: NONE", "WebhookUrl: a Function URL (or its permission) without the webhook-secret condition")]
    [InlineData("  WebhookUrlPermission:\n    Type: AWS::Lambda::Permission\n    Condition: HasWebhookSecret", "  WebhookUrlPermission:\n    Type: AWS::Lambda::Permission\n    Condition: HasSweepSchedule", "WebhookUrlPermission: a Function URL (or its permission) without the webhook-secret condition")]
    [InlineData("        DestinationConfig:\n          OnFailure:\n            Type: SQS\n            Destination: !GetAtt DeadLetterQueue.Arn\n", "", "no on-failure destination for asynchronous invocations")]
    [InlineData("            ScalingConfig:\n              MaximumConcurrency: !Ref SqsMaximumConcurrency\n", "", "SQS event source without ScalingConfig.MaximumConcurrency")]
    public async Task Check_WhenTheTemplateBreaksARule_FailsNamingIt(string find, string replace, string expected)
    {
        var (code, output) = await CheckMutated(find, replace);

        code.Should().Be(1, output);
        output.Should().Contain(expected);
    }
}
