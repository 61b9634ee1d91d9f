using MultipartAbort.Core.Ports;

namespace MultipartAbort.Testing;

/// <summary>
/// A store that answers 503 SlowDown whenever its client lets more than <see cref="MaxInFlight"/> requests be in
/// flight, as S3 does past a prefix's request rate. It judges by the client's allowance (<see cref="ClientLimit"/>),
/// not by a count of calls that overlap: with more allowed than K and enough work, more than K are soon in flight,
/// and judging the allowance makes the outcome independent of thread scheduling.
/// </summary>
public sealed class ThrottlingObjectStore : ScriptedObjectStore
{
    private int _refused, _served;

    /// <summary>K: the most requests in flight the store takes.</summary>
    public int MaxInFlight { get; set; } = 8;

    /// <summary>How many requests the client allows in flight now.</summary>
    public Func<int> ClientLimit { get; set; } = () => 1;

    public int Refused => _refused;
    public int Served => _served;

    public override Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken)
    {
        Gate("AbortMultipartUpload");
        return base.AbortAsync(upload, cancellationToken);
    }

    public override Task<PartsPage?> ListPartsAsync(UploadRef upload, int? partNumberMarker, CancellationToken cancellationToken)
    {
        Gate("ListParts");
        return base.ListPartsAsync(upload, partNumberMarker, cancellationToken);
    }

    public override Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken)
    {
        Gate("ListMultipartUploads");
        return base.ListUploadsAsync(listing, cancellationToken);
    }

    private void Gate(string operation)
    {
        if (ClientLimit() > MaxInFlight)
        {
            Interlocked.Increment(ref _refused);
            throw new StoreException(operation, "SlowDown: Please reduce your request rate.", true, "SlowDown");
        }
        Interlocked.Increment(ref _served);
    }
}
