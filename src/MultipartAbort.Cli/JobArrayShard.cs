using System.Globalization;
using MultipartAbort.Core.Model;

namespace MultipartAbort.Cli;

/// <summary>
/// The shard of an IBM Code Engine array job: Code Engine runs one instance per index and tells each its
/// <c>JOB_INDEX</c> (0-based) and the array's <c>JOB_ARRAY_SIZE</c>, so <c>mpa sweep</c> in a job with
/// <c>--array-indices 0-(N-1)</c> sweeps shard JOB_INDEX/N without a flag.
/// </summary>
internal static class JobArrayShard
{
    public const string IndexVariable = "JOB_INDEX";
    public const string SizeVariable = "JOB_ARRAY_SIZE";

    /// <summary>The shard the environment names; null when it names none (or when it is wrong: then <paramref name="error"/> says why).</summary>
    public static SweepShard? FromEnvironment(out string? error)
    {
        error = null;
        var index = Environment.GetEnvironmentVariable(IndexVariable);
        var size = Environment.GetEnvironmentVariable(SizeVariable);
        if (string.IsNullOrWhiteSpace(index) || string.IsNullOrWhiteSpace(size))
            return null;
        // An array of one is the whole range: a plain (non-array) job also has JOB_INDEX=0.
        if (int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n == 1)
            return null;
        var shard = SweepShard.Parse($"{index.Trim()}/{size.Trim()}", out var problem);
        if (shard is null)
            error = $"{IndexVariable}={index} and {SizeVariable}={size} do not name a shard: {problem}";
        return shard;
    }
}
