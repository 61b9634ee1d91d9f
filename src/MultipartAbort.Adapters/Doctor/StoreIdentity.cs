using Amazon.Runtime.Internal;

namespace MultipartAbort.Adapters.Doctor;

// Read from the first answer's headers (see StoreProfiles.Identify): who the store is and what time it thinks it is.
internal sealed class StoreIdentity
{
    private readonly TimeProvider _time;
    private int _seen;

    public StoreIdentity(IAmazonS3 s3, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        if (s3 is AmazonServiceClient client)
            client.AfterResponseEvent += (_, e) => Remember((e as WebServiceResponseEventArgs)?.ResponseHeaders);
    }

    /// <summary>Null: not recognised, or no answer yet.</summary>
    public StoreProfile? Profile { get; private set; }

    public string? Server { get; private set; }

    /// <summary>The store's Date less this clock's when it came (1 s resolution); null without one.</summary>
    public TimeSpan? Skew { get; private set; }

    // The SDK keeps an error answer's headers on the HTTP exception inside.
    public void Remember(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is HttpErrorResponseException { Response: { } response })
            {
                Remember(response.GetHeaderNames().ToDictionary(n => n, response.GetHeaderValue, StringComparer.OrdinalIgnoreCase));
                return;
            }
    }

    private void Remember(IDictionary<string, string>? headers)
    {
        if (headers is not { Count: > 0 } || Volatile.Read(ref _seen) != 0 || Interlocked.Exchange(ref _seen, 1) != 0)
            return;
        var at = _time.GetUtcNow();
        string? Header(string name) => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        Server = Header("Server");
        Skew = DateTimeOffset.TryParse(Header("Date"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date - at : null;
        Profile = StoreProfiles.Identify(Server, Header("x-amz-request-id"));
    }
}
