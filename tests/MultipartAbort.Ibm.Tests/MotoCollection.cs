using MultipartAbort.Testing;

namespace MultipartAbort.Ibm.Tests;

[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
