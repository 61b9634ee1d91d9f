using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using MultipartAbort.Testing;

namespace MultipartAbort.IntegrationTests;

/// <summary>
/// template.yaml against the deployment rules (the README, "Deployment shapes", issue 9 items 9-11), checked by
/// infra/aws/check-template.py (python3 with cfn-lint's YAML loader, which understands !Ref and !Sub), and linted.
/// Each rule is also shown to fail on a template that breaks it, so the check cannot pass vacuously. The wiring of
/// parameters, conditions and alarms is read from the template as cfn-lint's loader parses it (as JSON).
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

    private static Task<JsonElement> LoadTemplate() => CloudFormationTemplate.LoadAsync(TemplatePath);

    private static JsonElement Resource(JsonElement template, string name) => template.GetProperty("Resources").GetProperty(name);

    private static JsonElement FunctionVariables(JsonElement template) =>
        Resource(template, "MultipartAbortFunction").GetProperty("Properties").GetProperty("Environment").GetProperty("Variables");

    /// <summary>Every name a node refers to with Ref (or Condition), at any depth.</summary>
    private static List<string> Refs(JsonElement node)
    {
        var found = new List<string>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                    if (p.Name is "Ref" or "Condition" && p.Value.ValueKind == JsonValueKind.String)
                        found.Add(p.Value.GetString()!);
                    else
                        Walk(p.Value);
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                    Walk(item);
            }
        }
        Walk(node);
        return found;
    }

    /// <summary>True when a policy statement (not an Fn::If around one) allows <paramref name="action"/>.</summary>
    private static bool Grants(JsonElement statement, string action) =>
        statement.ValueKind == JsonValueKind.Object && statement.TryGetProperty("Action", out var a)
        && (a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Any(x => x.GetString() == action) : a.GetString() == action);

    private static IEnumerable<(string Name, JsonElement Resource)> Alarms(JsonElement template) =>
        template.GetProperty("Resources").EnumerateObject()
            .Where(r => r.Value.GetProperty("Type").GetString() == "AWS::CloudWatch::Alarm")
            .Select(r => (r.Name, r.Value));

    private static JsonElement SingleAlarm(JsonElement template, string metricNamespace, string metricName)
    {
        var matching = Alarms(template)
            .Where(a => a.Resource.GetProperty("Properties").TryGetProperty("Namespace", out var ns) && ns.ToString() == metricNamespace
                && a.Resource.GetProperty("Properties").GetProperty("MetricName").GetString() == metricName)
            .ToList();
        matching.Should().ContainSingle($"one alarm watches {metricNamespace} {metricName}");
        return matching[0].Resource.GetProperty("Properties");
    }

    /// <summary>True when the named condition holds only if <paramref name="required"/> does (it is it, or an Fn::And that includes it).</summary>
    private static bool Implies(JsonElement conditions, string name, string required)
    {
        if (name == required)
            return true;
        if (!conditions.TryGetProperty(name, out var definition) || !definition.TryGetProperty("Fn::And", out var all))
            return false;
        return all.EnumerateArray().Any(c => c.TryGetProperty("Condition", out var inner) && Implies(conditions, inner.GetString()!, required));
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
    [InlineData("                - ListsBuckets\n                - Sid: ListBucketsForReportAndGlobs", "                - HasSweepSchedule\n                - Sid: ListBucketsForReportAndGlobs",
        "ListBucketsForReportAndGlobs: 's3:ListAllMyBuckets': granted when it is not needed (ReportTargets='', SweepTargets='', SweepSchedule=")]
    // Conditions that name ReportTargets but grant more: any SweepTargets, or another parameter (the old check only
    // looked for the word ReportTargets in the condition).
    [InlineData("ListsBuckets: !Or [Condition: HasReportTargets, Condition: SweepTargetsHaveGlob]", "ListsBuckets: !Or [Condition: HasReportTargets, Condition: HasSweepTargets]",
        "ListBucketsForReportAndGlobs: 's3:ListAllMyBuckets': granted when it is not needed (ReportTargets='', SweepTargets='logs/tmp/:P1D')")]
    [InlineData("ListsBuckets: !Or [Condition: HasReportTargets, Condition: SweepTargetsHaveGlob]", "ListsBuckets: !Or [Condition: HasReportTargets, Condition: SweepTargetsHaveGlob, Condition: HasAlarmTopic]",
        "ListBucketsForReportAndGlobs: 's3:ListAllMyBuckets': granted when it is not needed (ReportTargets='', SweepTargets='', AlarmTopicArn='x')")]
    [InlineData("ListsBuckets: !Or [Condition: HasReportTargets, Condition: SweepTargetsHaveGlob]", "ListsBuckets: !Not [!Or [Condition: HasReportTargets, Condition: SweepTargetsHaveGlob]]",
        "ListBucketsForReportAndGlobs: 's3:ListAllMyBuckets': granted when it is not needed (ReportTargets='', SweepTargets='')")]
    // The statement in the Fn::If's second branch exists exactly when the condition does not hold.
    [InlineData("                - ListsBuckets\n                - Sid: ListBucketsForReportAndGlobs\n                  Effect: Allow\n                  Action: s3:ListAllMyBuckets\n                  Resource: \"*\"\n                - !Ref AWS::NoValue\n",
        "                - ListsBuckets\n                - !Ref AWS::NoValue\n                - Sid: ListBucketsForReportAndGlobs\n                  Effect: Allow\n                  Action: s3:ListAllMyBuckets\n                  Resource: \"*\"\n",
        "ListBucketsForReportAndGlobs: 's3:ListAllMyBuckets': granted when it is not needed (ReportTargets='', SweepTargets='')")]
    [InlineData("Action: s3:ListAllMyBuckets", "Action: [s3:ListAllMyBuckets, s3:GetObject]", "ListBucketsForReportAndGlobs: wildcard resource '*' beyond what the README allows")]
    public async Task Check_WhenTheTemplateBreaksARule_FailsNamingIt(string find, string replace, string expected)
    {
        var (code, output) = await CheckMutated(find, replace);

        code.Should().Be(1, output);
        output.Should().Contain(expected);
    }

    [Theory]
    [InlineData("MinIdle", "MIN_IDLE")]
    [InlineData("ReportTargets", "REPORT_TARGETS")]
    [InlineData("ReportDepth", "REPORT_DEPTH")]
    [InlineData("ReportBy", "REPORT_BY")]
    public async Task Parameter_ReachesTheFunctionsEnvironment(string parameter, string variable)
    {
        var template = await LoadTemplate();

        template.GetProperty("Parameters").TryGetProperty(parameter, out _).Should().BeTrue($"the template declares {parameter}");
        FunctionVariables(template).TryGetProperty(variable, out var value).Should().BeTrue($"the function's environment sets {variable}");
        Refs(value).Should().Contain(parameter, $"{variable} is the {parameter} parameter");
    }

    [Fact]
    public async Task NewParameters_HaveTheirDefaultsBoundsAndGroups()
    {
        var template = await LoadTemplate();
        var parameters = template.GetProperty("Parameters");

        var minIdle = parameters.GetProperty("MinIdle");
        minIdle.GetProperty("Default").GetString().Should().Be("PT1H");
        var pattern = new Regex(minIdle.GetProperty("AllowedPattern").GetString()!);
        pattern.IsMatch("PT1H").Should().BeTrue();
        pattern.IsMatch("PT0S").Should().BeTrue("PT0S turns the check off");
        pattern.IsMatch("1h").Should().BeFalse("not an ISO-8601 duration");
        parameters.GetProperty("ReportTargets").GetProperty("Default").GetString().Should().BeEmpty();
        var page = new Regex(parameters.GetProperty("ReportHtmlUrl").GetProperty("AllowedPattern").GetString()!);
        page.IsMatch("s3://reports/incomplete/latest.html").Should().BeTrue();
        page.IsMatch("").Should().BeTrue("empty: no page");
        page.IsMatch("s3://reports/*").Should().BeFalse("IAM reads * in the granted object as a wildcard: PutObject on the whole bucket");
        page.IsMatch("s3://reports/page?.html").Should().BeFalse("? is a wildcard too");
        page.IsMatch("s3://reports/dir/").Should().BeFalse("a folder is no object");
        var depth = parameters.GetProperty("ReportDepth");
        (depth.GetProperty("Default").ToString(), depth.GetProperty("MinValue").ToString(), depth.GetProperty("MaxValue").ToString()).Should().Be(("0", "0", "5"));
        parameters.GetProperty("AlarmTopicArn").GetProperty("Default").GetString().Should().BeEmpty("no alarm unless a topic is given");
        parameters.GetProperty("IncompleteBytesAlarmThreshold").GetProperty("Default").ToString().Should().Be("107374182400", "100 GiB");

        var groups = template.GetProperty("Metadata").GetProperty("AWS::CloudFormation::Interface").GetProperty("ParameterGroups").EnumerateArray()
            .ToDictionary(g => g.GetProperty("Label").GetProperty("default").GetString()!, g => g.GetProperty("Parameters").EnumerateArray().Select(p => p.GetString()!).ToList());
        groups.Values.Should().ContainSingle(g => g.Contains("MinUploadAge")).Which.Should().Contain("MinIdle");
        groups.Values.Should().ContainSingle(g => g.Contains("SweepTargets")).Which.Should().Contain(["ReportTargets", "ReportDepth"]);
        groups.Should().ContainKey("Alarms").WhoseValue.Should().Equal("AlarmTopicArn", "IncompleteBytesAlarmThreshold");
    }

    [Fact]
    public async Task ReportTargets_RunOnTheScheduleAndAreRefusedWithoutOne()
    {
        var template = await LoadTemplate();
        var conditions = template.GetProperty("Conditions");

        // The schedule's condition must not hang on SweepTargets: a report alone has to tick too.
        var schedule = Resource(template, "SweepScheduleRule");
        var scheduleCondition = schedule.GetProperty("Condition").GetString()!;
        Refs(conditions.GetProperty(scheduleCondition)).Should().Contain("SweepSchedule").And.NotContain("SweepTargets");
        // ReportTargets without SweepSchedule would never run: a template rule refuses the deploy.
        template.TryGetProperty("Rules", out var rules).Should().BeTrue("a rule refuses ReportTargets without a schedule");
        rules.EnumerateObject().Should().Contain(r => Refs(r.Value.GetProperty("RuleCondition")).Contains("ReportTargets")
            && r.Value.GetProperty("Assertions").EnumerateArray().Any(a => Refs(a.GetProperty("Assert")).Contains("SweepSchedule")));
    }

    /// <summary>The Fn::If statements of the function's role that grant <paramref name="action"/> in their first branch.</summary>
    private static List<JsonElement> GuardedGrants(JsonElement template, string action, out List<JsonElement> statements)
    {
        statements = Resource(template, "FunctionRole").GetProperty("Properties").GetProperty("Policies").EnumerateArray()
            .SelectMany(p => p.GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray()).ToList();
        return statements.Where(s => s.TryGetProperty("Fn::If", out _)).Select(s => s.GetProperty("Fn::If"))
            .Where(f => Grants(f[1], action)).ToList();
    }

    /// <summary>
    /// A condition (or an expression in one) evaluated the way CloudFormation does, for the given parameter values: a
    /// bool, a string or a list of strings. Only Condition, Ref (to a parameter given here), Fn::Equals, Fn::Not,
    /// Fn::And, Fn::Or, Fn::Select, Fn::Split and Fn::Join; anything else, or a Ref to a parameter not given, throws.
    /// </summary>
    private static object Evaluate(JsonElement node, JsonElement conditions, IReadOnlyDictionary<string, string> parameters)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.String:
                return node.GetString()!;
            case JsonValueKind.Number:
                return node.GetRawText();
            case JsonValueKind.Array:
                return node.EnumerateArray().Select(e => (string)Evaluate(e, conditions, parameters)).ToList();
            case JsonValueKind.Object when node.EnumerateObject().Count() == 1:
                break;
            default:
                throw new InvalidOperationException($"not an expression: {node.GetRawText()}");
        }
        var function = node.EnumerateObject().Single();
        var args = function.Value;
        object Arg(int i) => Evaluate(args[i], conditions, parameters);
        bool Truth(JsonElement e) => (bool)Evaluate(e, conditions, parameters);
        return function.Name switch
        {
            "Condition" => Evaluate(conditions.GetProperty(args.GetString()!), conditions, parameters),
            "Ref" => parameters.TryGetValue(args.GetString()!, out var value) ? value
                : throw new InvalidOperationException($"the condition reads {args.GetString()}, which it should not"),
            "Fn::Equals" => Equals(Arg(0), Arg(1)),
            "Fn::Not" => !Truth(args[0]),
            "Fn::And" => args.EnumerateArray().All(Truth),
            "Fn::Or" => args.EnumerateArray().Any(Truth),
            "Fn::Select" => ((List<string>)Arg(1))[int.Parse((string)Arg(0), System.Globalization.CultureInfo.InvariantCulture)],
            "Fn::Split" => ((string)Arg(1)).Split((string)Arg(0)).ToList(),
            "Fn::Join" => string.Join((string)Arg(0), (List<string>)Arg(1)),
            _ => throw new InvalidOperationException($"{function.Name} is not evaluated here"),
        };
    }

    [Fact]
    public async Task Role_MayListAllBucketsOnlyUnderTheListsBucketsCondition_AndListsUploadsAndParts()
    {
        var template = await LoadTemplate();
        var guarded = GuardedGrants(template, "s3:ListAllMyBuckets", out var statements);
        statements.Should().NotContain(s => Grants(s, "s3:ListAllMyBuckets"), "ListBuckets is granted only under a condition");
        guarded.Should().ContainSingle("one statement lets the report and the sweep globs find their buckets");
        guarded[0][0].GetString().Should().Be("ListsBuckets", "the grant follows the report and the globs of SweepTargets, not the report alone");
        guarded[0][2].GetRawText().Should().Be("""{"Ref":"AWS::NoValue"}""");
        guarded[0][1].GetProperty("Resource").GetString().Should().Be("*", "ListBuckets has no resource ARN");
        // The report lists uploads and their parts with the grants the aborts already have.
        statements.Should().Contain(s => Grants(s, "s3:ListBucketMultipartUploads"));
        statements.Should().Contain(s => Grants(s, "s3:ListMultipartUploadParts"));
    }

    [Fact]
    public async Task Role_MayReadLifecycleRules_OnlyWhereTheReportRuns_OnTheAllowedBucketsThemselves()
    {
        var template = await LoadTemplate();
        var guarded = GuardedGrants(template, "s3:GetLifecycleConfiguration", out var statements);

        statements.Should().NotContain(s => Grants(s, "s3:GetLifecycleConfiguration"), "the lifecycle read is granted only under a condition");
        guarded.Should().ContainSingle("the report reads each bucket's lifecycle rules to tell which uploads they reap");
        guarded[0][0].GetString().Should().Be("HasReportTargets");
        guarded[0][2].GetRawText().Should().Be("""{"Ref":"AWS::NoValue"}""");
        var resources = guarded[0][1].GetProperty("Resource").EnumerateArray().Select(r => r.GetRawText()).ToArray();
        resources.Should().HaveCount(10).And.OnlyContain(r => r.Contains("AllowedBucket") && r.Contains("arn:${AWS::Partition}:s3:::${Bucket}\"") , "the buckets of AllowedBuckets, not their objects");
    }

    [Fact]
    public async Task Role_MayListAllBuckets_ExactlyWhenSweepTargetsHaveAGlobOrReportTargetsAreSet()
    {
        var template = await LoadTemplate();
        var conditions = template.GetProperty("Conditions");
        var guarded = GuardedGrants(template, "s3:ListAllMyBuckets", out _);
        guarded.Should().ContainSingle();
        var condition = guarded[0][0].GetString()!;

        // Every combination at once, so that the table shows which ones differ; a Ref to any other parameter throws.
        var granted = new Dictionary<string, bool>();
        var expected = new Dictionary<string, bool>();
        foreach (var sweepTargets in new[] { "", "logs/tmp/:P1D", "logs-*/tmp/:P1D", "a?c:P1D" })
            foreach (var reportTargets in new[] { "", "b" })
            {
                var parameters = new Dictionary<string, string> { ["SweepTargets"] = sweepTargets, ["ReportTargets"] = reportTargets };
                var key = $"SweepTargets='{sweepTargets}' ReportTargets='{reportTargets}'";
                granted[key] = (bool)Evaluate(conditions.GetProperty(condition), conditions, parameters);
                expected[key] = reportTargets != "" || sweepTargets.IndexOfAny(['*', '?']) >= 0;
            }

        granted.Should().Equal(expected, "ListBuckets is granted when a sweep names buckets by glob or a report is set, and never otherwise");
    }

    [Fact]
    public async Task Alarms_ExistOnlyWithAnAlarmTopic_AndNotifyIt()
    {
        var template = await LoadTemplate();
        var conditions = template.GetProperty("Conditions");
        var alarms = Alarms(template).ToList();

        conditions.TryGetProperty("HasAlarmTopic", out var hasTopic).Should().BeTrue();
        hasTopic.GetRawText().Should().Be("""{"Fn::Not":[{"Fn::Equals":[{"Ref":"AlarmTopicArn"},""]}]}""");
        alarms.Should().HaveCountGreaterThanOrEqualTo(3, "dead letters, function errors and incomplete upload bytes");
        foreach (var (name, alarm) in alarms)
        {
            alarm.TryGetProperty("Condition", out var condition).Should().BeTrue($"{name} exists only with AlarmTopicArn");
            Implies(conditions, condition.GetString()!, "HasAlarmTopic").Should().BeTrue($"{name}'s condition {condition} requires HasAlarmTopic");
            var properties = alarm.GetProperty("Properties");
            properties.GetProperty("AlarmActions").GetRawText().Should().Be("""[{"Ref":"AlarmTopicArn"}]""", name);
            properties.GetProperty("OKActions").GetRawText().Should().Be("""[{"Ref":"AlarmTopicArn"}]""", name);
        }
    }

    [Fact]
    public async Task Alarms_WatchTheDeadLetterQueueTheFunctionsErrorsAndTheIncompleteUploadBytes()
    {
        var template = await LoadTemplate();
        var conditions = template.GetProperty("Conditions");

        var deadLetters = SingleAlarm(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible");
        deadLetters.GetProperty("Dimensions").GetRawText().Should().Be("""[{"Name":"QueueName","Value":{"Fn::GetAtt":["DeadLetterQueue","QueueName"]}}]""");
        (deadLetters.GetProperty("Period").GetInt32(), deadLetters.GetProperty("EvaluationPeriods").GetInt32(), deadLetters.GetProperty("Threshold").GetDouble())
            .Should().Be((300, 1, 0d));
        deadLetters.GetProperty("ComparisonOperator").GetString().Should().Be("GreaterThanThreshold");
        deadLetters.GetProperty("TreatMissingData").GetString().Should().Be("notBreaching");
        deadLetters.GetProperty("AlarmDescription").GetString().Should().Contain("mpa dlq");
        if (Resource(template, "DeadLetterQueue").TryGetProperty("Condition", out var queueCondition))
        {
            var alarm = Alarms(template).Single(a => a.Resource.GetProperty("Properties").GetProperty("MetricName").GetString() == "ApproximateNumberOfMessagesVisible");
            Implies(conditions, alarm.Resource.GetProperty("Condition").GetString()!, queueCondition.GetString()!).Should().BeTrue("the alarm exists only with its queue");
        }

        var errors = SingleAlarm(template, "AWS/Lambda", "Errors");
        errors.GetProperty("Dimensions").GetRawText().Should().Be("""[{"Name":"FunctionName","Value":{"Ref":"MultipartAbortFunction"}}]""");
        errors.GetProperty("Statistic").GetString().Should().Be("Sum");
        (errors.GetProperty("Period").GetInt32(), errors.GetProperty("Threshold").GetDouble()).Should().Be((300, 0d));
        errors.GetProperty("ComparisonOperator").GetString().Should().Be("GreaterThanThreshold");

        // The namespace and the Service dimension are the ones the function writes its EMF lines with.
        var variables = FunctionVariables(template);
        var metricsNamespace = variables.GetProperty("POWERTOOLS_METRICS_NAMESPACE").ToString();
        var service = variables.GetProperty("POWERTOOLS_SERVICE_NAME");
        var bytes = SingleAlarm(template, metricsNamespace, "IncompleteUploadBytes");
        bytes.GetProperty("Dimensions").GetRawText().Should().Be($$"""[{"Name":"Service","Value":{{service.GetRawText()}}}]""", "the report's totals line has only Service");
        bytes.GetProperty("Statistic").GetString().Should().Be("Maximum");
        (bytes.GetProperty("Period").GetInt32(), bytes.GetProperty("EvaluationPeriods").GetInt32()).Should().Be((3600, 1));
        bytes.GetProperty("Threshold").GetRawText().Should().Be("""{"Ref":"IncompleteBytesAlarmThreshold"}""");
        bytes.GetProperty("ComparisonOperator").GetString().Should().Be("GreaterThanThreshold");
        bytes.GetProperty("TreatMissingData").GetString().Should().Be("notBreaching");
        var bytesAlarm = Alarms(template).Single(a => a.Resource.GetProperty("Properties").GetProperty("MetricName").GetString() == "IncompleteUploadBytes");
        Implies(conditions, bytesAlarm.Resource.GetProperty("Condition").GetString()!, "HasReportTargets").Should().BeTrue("only the report feeds it");
    }
}
