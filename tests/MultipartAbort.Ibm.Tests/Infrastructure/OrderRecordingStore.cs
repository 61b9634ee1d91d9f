using System.Collections.Concurrent;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;

namespace MultipartAbort.Ibm.Tests.Infrastructure;

/// <summary>The scripted store (parts that keep landing after an abort, which moto cannot do), recording which uploads were aborted, in order.</summary>
public sealed class OrderRecordingStore : ScriptedObjectStore
{
    public ConcurrentQueue<string> Aborted { get; } = new();

    public override Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken)
    {
        Aborted.Enqueue(upload.Key);
        return base.AbortAsync(upload, cancellationToken);
    }
}
