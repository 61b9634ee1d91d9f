using MultipartAbort.Adapters.Ledger;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Tests.Adapters;

public class LedgerEntryNameTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 4, 12, 0, 0, TimeSpan.Zero);

    private static string Body(string key, int attempt, string? reason = null) => MessageJson.AbortRequest(new AbortRequest("bucket", key, "u") { Attempt = attempt, Reason = reason });

    [Fact]
    public void Format_PutsTheDueTimeFirst_SoKeyOrderIsDueOrder()
    {
        var names = new[] { Noon.AddSeconds(30), Noon.AddMilliseconds(1), Noon.AddDays(1), Noon, Noon.AddHours(-13) }
            .Select(due => (due, name: LedgerEntryName.Format("retry/", due, Body("k", 0))))
            .ToArray();

        names.OrderBy(n => n.name, StringComparer.Ordinal).Select(n => n.due).Should().BeInAscendingOrder();
        LedgerEntryName.Format("retry/", Noon, Body("k", 0)).Should().MatchRegex("^retry/20260304T120000\\.000Z-[0-9a-f]{16}\\.json$");
    }

    [Fact]
    public void TryParse_ReadsBackTheDueTimeAndRuns_AndRejectsForeignObjects()
    {
        var name = LedgerEntryName.Format("retry/", Noon.AddMilliseconds(250), Body("k", 0));
        var postponed = LedgerEntryName.Format("retry/", Noon, Body("k", 0), runs: 3);

        LedgerEntryName.TryParse("retry/", name, out var due, out var runs).Should().BeTrue();
        (due, runs).Should().Be((Noon.AddMilliseconds(250), 0));
        postponed.Should().MatchRegex("^retry/20260304T120000\\.000Z-[0-9a-f]{16}\\.r3\\.json$");
        LedgerEntryName.TryParse("retry/", postponed, out due, out runs).Should().BeTrue();
        (due, runs).Should().Be((Noon, 3));
        LedgerEntryName.TryParse("retry/", "retry/README.txt", out _, out _).Should().BeFalse();
        LedgerEntryName.TryParse("retry/", "retry/sub/20260304T120000.000Z-0123456789abcdef.json", out _, out _).Should().BeFalse();
        LedgerEntryName.TryParse("retry/", "retry/20260304T120000.000Z-0123456789abcdef.rx.json", out _, out _).Should().BeFalse();
        LedgerEntryName.TryParse("other/", name, out _, out _).Should().BeFalse();
    }

    [Fact]
    public void IdentityHash_OfAnAbortRequest_IsItsUploadAndAttempt_NotItsReason()
    {
        // Independent vectors: printf 'upload\nbucket\nk\nu\n1' | sha256sum | cut -c1-16
        LedgerEntryName.IdentityHash(Body("k", 1, "3 parts remain")).Should().Be("1f2c0e0569b0554f");
        LedgerEntryName.IdentityHash(Body("k", 1, "1 parts remain")).Should().Be("1f2c0e0569b0554f");
        LedgerEntryName.IdentityHash(Body("k", 1)).Should().NotBe(LedgerEntryName.IdentityHash(Body("k", 2)));
        LedgerEntryName.IdentityHash(Body("k", 1)).Should().NotBe(LedgerEntryName.IdentityHash(Body("j", 1)));
    }

    [Fact]
    public void IdentityHash_OfAnythingElse_IsItsWholeBody()
    {
        const string sweep = """{"sweep":{"bucket":"b","olderThan":"P1D","keyMarker":"k1"}}""";
        var next = sweep.Replace("k1", "k2", StringComparison.Ordinal);

        // An independent vector: printf '%%s' "$sweep" | sha256sum | cut -c1-16
        LedgerEntryName.IdentityHash(sweep).Should().Be("d4a021d030bb8672");
        LedgerEntryName.IdentityHash(sweep).Should().NotBe(LedgerEntryName.IdentityHash(next));
    }
}
