using MultipartAbort.Adapters.Doctor;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Docs;

/// <summary>docs/stores.md's table and the one <c>mpa doctor</c> shows (<see cref="StoreProfiles"/>) are the same, cell by cell.</summary>
public sealed class StoreTableTests
{
    private static readonly string Page = Path.Combine(PublishedBinary.RepositoryRoot, "docs", "stores.md");

    /// <summary>The first table of the page: its heading row and body rows, split into trimmed cells.</summary>
    private static (string[] Heading, List<string[]> Rows) Table()
    {
        var lines = File.ReadLines(Page).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).ToList();
        static string[] Cells(string line) => [.. line.Trim().Trim('|').Split('|').Select(c => c.Trim())];
        return (Cells(lines[0]), [.. lines.Skip(2).Select(Cells)]);
    }

    [Fact]
    public void StoresMdColumns_AreTheStoreProfiles()
    {
        var (heading, _) = Table();

        heading.Skip(1).Should().Equal(StoreProfiles.Stores.Select(s => s.Heading));
    }

    [Fact]
    public void StoresMdRows_AreTheStoreProfilesRows_CellByCell()
    {
        var (_, rows) = Table();

        rows.Select(r => string.Join(" | ", r)).Should().Equal(StoreProfiles.Rows.Select(r => string.Join(" | ", [r.Behaviour, .. r.Cells])));
    }

    [Theory]
    [InlineData("Werkzeug/3.1.8 Python/3.11.7", null, "moto")]
    [InlineData(null, "tx0000009886a6a0fe34c11-006b16a22c-1024-default", "ceph-rgw")]
    [InlineData("AmazonS3", "4442587FB7D0A2F9", "aws-s3")]
    [InlineData("Cleversafe", null, "ibm-cos")]
    [InlineData("MinIO", null, "minio")]
    public void Identify_NamesTheStoreByItsHeaders(string? server, string? requestId, string id)
    {
        StoreProfiles.Identify(server, requestId)!.Id.Should().Be(id);
    }

    [Fact]
    public void Identify_AnUnknownServer_IsNoProfile()
    {
        StoreProfiles.Identify("nginx", "abc").Should().BeNull();
        StoreProfiles.Identify(null, null).Should().BeNull();
    }
}
