using MultipartAbort.Testing;

namespace MultipartAbort.Sweep.Tests;

/// <summary>One moto server for every test that needs one; the tests of the collection run one at a time.</summary>
[CollectionDefinition("moto")]
public sealed class MotoCollection : ICollectionFixture<MotoServer>;
