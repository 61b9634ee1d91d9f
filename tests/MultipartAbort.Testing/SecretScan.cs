namespace MultipartAbort.Testing;

/// <summary>
/// Collects what a test produced (log text, answers, exception messages) and fails when any configured secret (HMAC
/// keys, webhook secret, API key, token) appears in it, whole or as a long enough fragment.
/// </summary>
public sealed class SecretScan(params string[] secrets)
{
    private readonly List<(string Where, string Text)> _captured = [];

    public void Capture(string where, string? text)
    {
        if (text is not null)
            lock (_captured)
                _captured.Add((where, text));
    }

    public void Capture(string where, Exception ex) => Capture(where, ex.ToString());

    /// <summary>Throws naming where a secret was found (never the secret itself).</summary>
    public void AssertClean()
    {
        var hits = new List<string>();
        lock (_captured)
            foreach (var (where, text) in _captured)
                foreach (var secret in secrets.Where(s => s.Length >= 8))
                    if (text.Contains(secret, StringComparison.Ordinal) || text.Contains(secret[..(secret.Length / 2 + 1)], StringComparison.Ordinal))
                        hits.Add($"secret #{Array.IndexOf(secrets, secret)} found in {where}");
        if (hits.Count > 0)
            throw new InvalidOperationException("secrets leaked: " + string.Join("; ", hits.Distinct()));
    }

    public int CapturedCount
    {
        get
        {
            lock (_captured)
                return _captured.Count;
        }
    }
}
