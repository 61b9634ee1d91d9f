using MultipartAbort.Testing;

namespace MultipartAbort.Sweep.Tests;

/// <summary>One moto server for every test that needs one; the tests of the collection run one at a time.</summary>
[CollectionDefinition("moto")]
public sealed class MotoCollection : ICollectionFixture<MotoServer>;

/// <summary>
/// The shard tests (two sweeps of 1,250 uploads each, listed again by every shard) on a moto server of their own, so
/// they run beside the "moto" collection on the other core instead of after it.
/// </summary>
[CollectionDefinition("moto-shards")]
public sealed class ShardMotoCollection : ICollectionFixture<PrivateMotoServer>;
