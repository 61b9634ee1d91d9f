using System.Text;
using System.Text.Json;
using CsCheck;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Tests.Hardening;

/// <summary>
/// The decoder and parsers against random and mutated events of every documented shape: no exception escapes, and a
/// refusal names its <c>field</c> or <c>rule</c>; a request the re-queue writer wrote reads back the same. The normal run
/// is a fixed seed and budget (deterministic, a few seconds); <c>make fuzz</c> samples with random seeds
/// (FUZZ_ITERATIONS), and every input it finds goes into <see cref="Found"/>.
/// </summary>
public sealed class DecoderPropertyTests
{
    private const int Budget = 3000;
    private static readonly int? FuzzIterations = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_ITERATIONS"), out var n) ? n : null;

    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    /// <summary>One of each documented shape (docs/events.md, "Inputs"), as a caller sends it.</summary>
    private static readonly string[] Shapes =
    [
        """{"bucket":"b-ok","key":"k/1","uploadId":"u1","attempt":2,"reason":"r","minIdle":"PT1H","notBefore":"2026-01-01T12:00:00Z"}""",
        """{"bucket":"b-ok","key":"k","initiatedAt":"2026-01-01T10:00:00Z","notBefore":"2026-01-01T12:00:00Z"}""",
        """{"uploads":[{"bucket":"b-ok","key":"a","uploadId":"1"},{"bucket":"b-ok","key":"b","uploadId":"2","expectedBucketOwner":"123456789012","requestPayer":"requester"}]}""",
        """{"sweep":{"bucket":"b-ok","prefix":"tmp/","olderThan":"P1D","dryRun":true,"minIdle":"PT2H","showActive":true,"shard":"1/4"}}""",
        """{"sweep":{"bucket":"b-ok","olderThan":"PT12H","shards":8,"keyMarker":"k","uploadIdMarker":"u"}}""",
        """{"report":{"buckets":["b-ok","logs-*"],"depth":1,"minIdle":"PT1H","pricePerGbMonth":0.023}}""",
        """{"value":{"bucket":"b-ok","key":"k","uploadId":"u"}}""",
        """{"specversion":"1.0","id":"e1","source":"/s","type":"t","data":{"bucket":"b-ok","key":"k","uploadId":"u"}}""",
        """{"specversion":"1.0","id":"e2","source":"/s","type":"t","data_base64":"eyJidWNrZXQiOiJiLW9rIiwia2V5IjoiayIsInVwbG9hZElkIjoidSJ9"}""",
        """{"detail-type":"Scheduled Event","source":"aws.events","detail":{}}""",
        """{"detail-type":"upload expired","source":"app","detail":{"bucket":"b-ok","key":"k","uploadId":"u"}}""",
        Testing.HostileEvents.CloudTrailStart("2026-01-01T10:00:00Z", "backups/db.tar"),
        Sample("cloudevent-activity-tracker-multipart-start.json"),
        Sample("eventbridge-cloudtrail-create-multipart-upload.json"),
        Sample("sqs-batch.json"),
        Sample("function-url.json"),
        Sample("apigw-v1.json"),
        Sample("apigw-v2-base64.json"),
        Sample("cloudevent-cron.json"),
    ];

    private static readonly string[] Hostile =
    [
        "\\ud800", "\\udc00x", "١", "１", "P800000D", "P5000000D", "P١D", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
        "1e400", "-99999999999999999999", "\\u0000", new string('k', 1025), "", "null", "[]", "{}", "true",
    ];

    /// <summary>A mutation of a shape: byte flips, truncation, a value swapped for another type or a hostile text.</summary>
    private static readonly Gen<byte[]> Mutated =
        Gen.Select(Gen.Int[0, Shapes.Length - 1], Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.Int[0, Hostile.Length - 1], Gen.Byte)
            .Select(t => Mutate(Encoding.UTF8.GetBytes(Shapes[t.Item1]), t.Item2, t.Item3, Hostile[t.Item4], t.Item5));

    private static byte[] Mutate(byte[] shape, int how, int at, string hostile, byte value)
    {
        var i = shape.Length == 0 ? 0 : at % shape.Length;
        switch (how)
        {
            case 0: // a byte flipped
                var flipped = (byte[])shape.Clone();
                flipped[i] = value;
                return flipped;
            case 1: // truncated
                return shape[..i];
            case 2: // a hostile text in a string, where a quote opens one
            {
                var quote = Array.IndexOf(shape, (byte)'"', i);
                return quote < 0 ? shape : [.. shape[..(quote + 1)], .. Encoding.UTF8.GetBytes(hostile), .. shape[(quote + 1)..]];
            }
            case 3: // a value swapped for another type (a string's opening quote replaced by a hostile literal and a comment-free tail)
            {
                var colon = Array.IndexOf(shape, (byte)':', i);
                if (colon < 0)
                    return shape;
                var end = Array.FindIndex(shape, colon + 1, b => b is (byte)',' or (byte)'}' or (byte)']');
                return end < 0 ? shape : [.. shape[..(colon + 1)], .. Encoding.UTF8.GetBytes(hostile is "" ? "0" : hostile.StartsWith('\\') ? $"\"{hostile}\"" : hostile), .. shape[end..]];
            }
            case 4: // a digit swapped for a non-ASCII one
            {
                var digit = Array.FindIndex(shape, i, b => b is >= (byte)'0' and <= (byte)'9');
                return digit < 0 ? shape : [.. shape[..digit], .. "١"u8, .. shape[(digit + 1)..]];
            }
            default: // a random document of random bytes
                return [.. Encoding.UTF8.GetBytes(hostile), value, .. shape[..Math.Min(i, 8)]];
        }
    }

    /// <summary>Every decoder and parser on one input: none may throw, and every refusal must name its field or rule.</summary>
    internal static void Check(byte[] input)
    {
        var problems = new List<string>();
        Inspect(EventDecoder.Decode(input), problems);
        Inspect(EventDecoder.DecodeBody(input), problems);
        Inspect(EventDecoder.DecodeCloudEventData(input, "/fuzz"), problems);
        if (StrictText.Decode(input) is { } text)
        {
            Inspect(RequestParser.ParseText(text), problems);
            Inspect(EventDecoder.DecodeBody(text), problems);
        }
        if (problems.Count > 0)
            throw new InvalidOperationException($"{string.Join("; ", problems)} for input {Convert.ToHexString(input)}");
    }

    private static void Inspect(DecodedEvent decoded, List<string> problems)
    {
        switch (decoded)
        {
            case PayloadEvent p:
                Inspect(p.Payload, problems);
                break;
            case SqsBatchEvent sqs:
                foreach (var record in sqs.Event.Records ?? [])
                    Inspect(EventDecoder.DecodeBody(record.Body), problems);
                break;
            case HttpEvent:
                break;
        }
    }

    private static void Inspect(RequestPayload payload, List<string> problems)
    {
        IEnumerable<AbortResult> rejections = payload switch
        {
            InvalidPayload i => [i.Rejection],
            UploadsPayload u => u.Items.Where(x => x.Rejection is not null).Select(x => x.Rejection!),
            _ => [],
        };
        foreach (var r in rejections)
        {
            if (r.Field is null && r.Rule is null)
                problems.Add($"a refusal names neither field nor rule: {r.Message}");
            if (string.IsNullOrWhiteSpace(r.Message))
                problems.Add("a refusal with no message");
        }
    }

    [Fact]
    public void MutatedEventsOfEveryShape_NeverThrow_AndEveryRefusalNamesItsFieldOrRule()
    {
        if (FuzzIterations is { } iterations)
        {
            Mutated.Sample(Check, iter: iterations, threads: 1, print: b => Convert.ToHexString(b));
            return;
        }
        var pcg = new PCG(29, 2026);
        for (var i = 0; i < Budget; i++)
            Check(Mutated.Generate(pcg, null, out _));
    }

    /// <summary>A valid request of every field, as random as its grammar allows.</summary>
    private static readonly Gen<AbortRequest> Requests =
        Gen.Select(
                Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"], 1, 20],
                Gen.String[Gen.Char.Where(c => !char.IsSurrogate(c) && c != '\0'), 1, 64],
                Gen.String[Gen.Char.Where(c => !char.IsSurrogate(c)), 0, 40],
                Gen.Int[0, 50],
                Gen.Int[0, 36500 * 24],
                Gen.Bool,
                Gen.Bool
            )
            .Select(t =>
            {
                var (bucket, key, uploadId, attempt, hours, timer, owner) = t;
                var now = new DateTimeOffset(DateTimeOffset.UtcNow.Year, 1, 1, 0, 0, 0, TimeSpan.Zero);
                var request = new AbortRequest("b" + bucket + "0", key, timer ? "" : "u" + uploadId) { Attempt = attempt, Reason = uploadId.Length > 0 ? uploadId : null, MinIdle = TimeSpan.FromHours(hours % 1000) };
                return timer
                    ? request with { InitiatedAt = now.AddHours(-(hours % (24 * 365))), NotBefore = now.AddHours(hours % (24 * 20)) }
                    : request with { ExpectedBucketOwner = owner ? "123456789012" : null, RequestPayer = owner ? "requester" : null, NotBefore = owner ? now : null };
            });

    private static void RoundTrip(AbortRequest request)
    {
        var written = MessageJson.AbortRequest(request);
        var read = RequestParser.ParseText(written).Should().BeOfType<UploadsPayload>().Subject.Items.Should().ContainSingle().Subject;
        read.Rejection.Should().BeNull(written);
        MessageJson.AbortRequest(read.Request!).Should().Be(written, "the re-queue writer's output reads back to the same request");
    }

    [Fact]
    public void ValidRequestsWrittenByTheRequeueWriter_ReadBackToTheSameCanonicalJson()
    {
        if (FuzzIterations is { } iterations)
        {
            Requests.Sample(RoundTrip, iter: iterations, threads: 1);
            return;
        }
        var pcg = new PCG(29, 2027);
        for (var i = 0; i < Budget / 3; i++)
            RoundTrip(Requests.Generate(pcg, null, out _));
    }

    /// <summary>Every input a run ever found, kept as a fixed case (hex of the bytes), with the hostile events of the issue.</summary>
    public static TheoryData<string> Found => new(
        [.. Testing.HostileEvents.All.Select(e => Convert.ToHexString(e.Body))]
    );

    [Theory]
    [MemberData(nameof(Found))]
    public void EveryInputEverFound_NeverThrows_AndIsRefusedNamingItsFieldOrRule(string hex) => Check(Convert.FromHexString(hex));
}
