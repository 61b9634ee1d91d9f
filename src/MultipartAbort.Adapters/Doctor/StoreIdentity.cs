using Amazon.Runtime;
using Amazon.S3;

namespace MultipartAbort.Adapters.Doctor;

// Read from the first answer's headers (see StoreProfiles.Identify).
internal sealed class StoreIdentity
{
    private int _seen;

    public StoreIdentity(IAmazonS3 s3)
    {
        if (s3 is AmazonServiceClient client)
            client.AfterResponseEvent += OnResponse;
    }

    /// <summary>Null: not recognised, or no answer yet.</summary>
    public StoreProfile? Profile { get; private set; }

    private void OnResponse(object sender, ResponseEventArgs e)
    {
        if (Volatile.Read(ref _seen) != 0 || e is not WebServiceResponseEventArgs { ResponseHeaders: { Count: > 0 } headers })
            return;
        if (Interlocked.Exchange(ref _seen, 1) != 0)
            return;
        string? Header(string name) => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        Profile = StoreProfiles.Identify(Header("Server"), Header("x-amz-request-id"));
    }
}
