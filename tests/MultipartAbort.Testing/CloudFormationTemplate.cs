using System.Diagnostics;
using System.Text.Json;

namespace MultipartAbort.Testing;

/// <summary>A CloudFormation template as cfn-lint's loader reads it (!Ref, !If, !GetAtt as Fn:: mappings), as JSON.</summary>
public static class CloudFormationTemplate
{
    public static async Task<JsonElement> LoadAsync(string path)
    {
        const string Dump = "import json, sys\nfrom cfnlint.decode import cfn_yaml\nsys.stdout.write(json.dumps(cfn_yaml.load(sys.argv[1]), separators=(',', ':')))";
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Dump);
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"cfn-lint's loader could not read {path}: {await stderr}");
        using var document = JsonDocument.Parse(await stdout);
        return document.RootElement.Clone();
    }
}
