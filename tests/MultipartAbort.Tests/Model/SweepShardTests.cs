using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Tests.Model;

public sealed class SweepShardTests
{
    [Fact]
    public void Hash_IsFnv1a64OverKeyZeroUploadIdThenMixed_SoEveryVersionAndMachineAgrees()
    {
        // fmix64(FNV-1a 64 of the bytes 'a' 0x00 'b'), computed outside .NET; a change here would send a running
        // sweep's continuations and its sibling shards to different uploads.
        SweepShard.Hash("a", "b").Should().Be(12355895974393876011UL);
        SweepShard.Hash("a", "b").Should().NotBe(SweepShard.Hash("ab", ""), "the separator keeps key and upload id apart");
    }

    [Fact]
    public void Hash_OfALongKey_IsTheSameAsForItsBytes()
    {
        var key = new string('k', 300) + "é";

        SweepShard.Hash(key, "u").Should().Be(Fnv(System.Text.Encoding.UTF8.GetBytes(key + "\0u")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    public void Shards_OfOneSweep_TakeEachUploadExactlyOnceAndShareTheWork(int count)
    {
        var uploads = Enumerable.Range(0, 4000).Select(i => ($"logs/{i % 997:D4}/part", $"upload-{i}")).ToArray();

        var owners = uploads.Select(u => Enumerable.Range(0, count).Where(i => new SweepShard(i, count).Contains(u.Item1, u.Item2)).ToArray()).ToArray();

        owners.Count(o => o.Length != 1).Should().Be(0, "every upload belongs to exactly one shard");
        var perShard = owners.GroupBy(o => o[0]).ToDictionary(g => g.Key, g => g.Count());
        perShard.Keys.Should().BeEquivalentTo(Enumerable.Range(0, count));
        perShard.Values.Should().AllSatisfy(n => n.Should().BeInRange(4000 / count * 8 / 10, 4000 / count * 12 / 10));
    }

    [Theory]
    [InlineData("0/4", 0, 4)]
    [InlineData("3/4", 3, 4)]
    [InlineData("0/1", 0, 1)]
    [InlineData("1023/1024", 1023, 1024)]
    public void Parse_OfIOverN_GivesTheShard(string text, int index, int count)
    {
        SweepShard.Parse(text, out var error).Should().Be(new SweepShard(index, count));
        error.Should().BeNull();
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("-1/4")]
    [InlineData("1/0")]
    [InlineData("0/1025")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("/4")]
    [InlineData("1/4/8")]
    public void Parse_OfAnythingElse_NamesTheRule(string text)
    {
        SweepShard.Parse(text, out var error).Should().BeNull();
        error.Should().Contain("i/N").And.Contain(text);
    }

    [Fact]
    public void RequestParser_ReadsShardAndFanOut_AndMessageJsonWritesThemBack()
    {
        var shard = (SweepPayload)RequestParser.ParseText("""{"sweep": {"bucket": "bkt", "olderThan": "P1D", "shard": "2/8"}}""");
        var fanOut = (SweepPayload)RequestParser.ParseText("""{"sweep": {"bucket": "bkt", "olderThan": "P1D", "shards": 16}}""");

        shard.Sweep.Shard.Should().Be(new SweepShard(2, 8));
        fanOut.Sweep.FanOut.Should().Be(16);
        ((SweepPayload)RequestParser.ParseText(MessageJson.Sweep(shard.Sweep))).Sweep.Should().Be(shard.Sweep, "a continuation keeps its shard");
        ((SweepPayload)RequestParser.ParseText(MessageJson.Sweep(fanOut.Sweep))).Sweep.FanOut.Should().Be(16);
    }

    [Theory]
    [InlineData("""{"sweep": {"bucket": "bkt", "olderThan": "P1D", "shard": "8/8"}}""", "sweep.shard must be i/N")]
    [InlineData("""{"sweep": {"bucket": "bkt", "olderThan": "P1D", "shard": 3}}""", "sweep.shard must be a string")]
    [InlineData("""{"sweep": {"bucket": "bkt", "olderThan": "P1D", "shards": 0}}""", "sweep.shards must be from 1 to 1024")]
    [InlineData("""{"sweep": {"bucket": "bkt", "olderThan": "P1D", "shards": 5000}}""", "sweep.shards must be from 1 to 1024")]
    [InlineData("""{"sweep": {"bucket": "bkt", "olderThan": "P1D", "shards": 4, "shard": "0/4"}}""", "do not go together")]
    public void RequestParser_WithABadShard_RejectsNamingTheField(string json, string expected)
    {
        var payload = RequestParser.ParseText(json);

        payload.Should().BeOfType<InvalidPayload>().Which.Rejection.Message.Should().Contain(expected);
    }

    [Fact]
    public void SweepTargets_WithAShardCount_FanOut()
    {
        var problems = new List<string>();

        var targets = SweepTarget.ParseList("logs/tmp/:P1D:16, other:P7D, odd/a:b/:PT6H", problems);

        problems.Should().BeEmpty();
        targets.Should().Equal(
            new SweepTarget("logs", "tmp/", TimeSpan.FromDays(1)) { Shards = 16 },
            new SweepTarget("other", null, TimeSpan.FromDays(7)),
            new SweepTarget("odd", "a:b/", TimeSpan.FromHours(6))
        );
    }

    [Fact]
    public void SweepTargets_WithAShardCountOutOfRange_NamesTheEntry()
    {
        var problems = new List<string>();

        SweepTarget.ParseList("logs:P1D:0,more:P1D:2000", problems);

        problems.Should().HaveCount(2).And.AllSatisfy(p => p.Should().Contain("shard count must be from 1 to 1024"));
    }

    private static ulong Fnv(byte[] bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
            hash = (hash ^ b) * 1099511628211UL;
        hash = (hash ^ (hash >> 33)) * 0xff51afd7ed558ccdUL;
        hash = (hash ^ (hash >> 33)) * 0xc4ceb9fe1a85ec53UL;
        return hash ^ (hash >> 33);
    }
}
