namespace MultipartAbort.Core.Configuration;

/// <summary>A secret that never prints itself: ToString, logs and serialisers see "***".</summary>
public sealed class Secret(string value)
{
    public string Reveal() => value;

    public override string ToString() => "***";
}
