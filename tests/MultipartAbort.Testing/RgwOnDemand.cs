namespace MultipartAbort.Testing;

/// <summary>
/// A fixture for tests of which some run on Ceph RGW: the gateway starts when the first of them asks for it, so where
/// Ceph is not installed (and those tests are skipped, <see cref="OnRgwAttribute"/>) nothing fails to start.
/// </summary>
public sealed class RgwOnDemand : IDisposable
{
    private readonly Lazy<RgwServer> _rgw = new(() => new RgwServer(), LazyThreadSafetyMode.ExecutionAndPublication);

    public S3Store Store => _rgw.Value.Store;

    public void Dispose()
    {
        if (_rgw.IsValueCreated)
            _rgw.Value.Dispose();
    }
}
