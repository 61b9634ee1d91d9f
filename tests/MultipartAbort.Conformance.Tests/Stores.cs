using MultipartAbort.Testing;

namespace MultipartAbort.Conformance.Tests;

/// <summary>
/// The stores the suite runs on: moto (S3 and the SQS queues of every test) and Ceph RGW, started only when a test
/// on it runs (it is skipped where Ceph is not installed, outside CI).
/// </summary>
public sealed class Stores : IDisposable
{
    private readonly RgwOnDemand _rgw = new();

    public MotoServer Moto { get; } = new();

    /// <summary>The store named by a theory row (<see cref="OnMotoAttribute"/>, <see cref="OnRgwAttribute"/>).</summary>
    public S3Store this[string name] =>
        name switch
        {
            "moto" => Moto.AsStore(),
            "rgw" => _rgw.Store,
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "a store is moto or rgw"),
        };

    public void Dispose()
    {
        _rgw.Dispose();
        Moto.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class StoresCollection : ICollectionFixture<Stores>
{
    public const string Name = "stores";
}
