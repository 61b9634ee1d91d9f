namespace MultipartAbort.Cli;

// JOB_INDEX of JOB_ARRAY_SIZE, so mpa sweep needs no flag in a Code Engine array job.
internal static class JobArrayShard
{
    public const string IndexVariable = "JOB_INDEX";
    public const string SizeVariable = "JOB_ARRAY_SIZE";

    /// <summary>Null when none (or wrong: <paramref name="error"/> says why).</summary>
    public static SweepShard? FromEnvironment(out string? error)
    {
        error = null;
        var index = Environment.GetEnvironmentVariable(IndexVariable);
        var size = Environment.GetEnvironmentVariable(SizeVariable);
        if (string.IsNullOrWhiteSpace(index) || string.IsNullOrWhiteSpace(size))
            return null;
        // A plain (non-array) job also has JOB_INDEX=0.
        if (int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n == 1)
            return null;
        var shard = SweepShard.Parse($"{index.Trim()}/{size.Trim()}", out var problem);
        if (shard is null)
            error = $"{IndexVariable}={index} and {SizeVariable}={size} do not name a shard: {problem}";
        return shard;
    }
}
