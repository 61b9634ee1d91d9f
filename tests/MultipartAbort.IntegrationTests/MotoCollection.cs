using MultipartAbort.Testing;

namespace MultipartAbort.IntegrationTests;

[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
