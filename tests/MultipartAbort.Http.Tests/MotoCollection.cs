using MultipartAbort.Testing;

namespace MultipartAbort.Http.Tests;

/// <summary>Tests that need the moto server share one per run (xunit wants the definition in the test assembly).</summary>
[CollectionDefinition("moto")]
public sealed class MotoCollection : ICollectionFixture<MotoServer>;
