namespace MultipartAbort.Core.Configuration;

/// <summary>A secret value that never prints itself: ToString, logs and serialisers see "***".</summary>
public sealed class Secret(string value)
{
    /// <summary>The value, for the one place that must use it (signing).</summary>
    public string Reveal() => value;

    public override string ToString() => "***";
}
