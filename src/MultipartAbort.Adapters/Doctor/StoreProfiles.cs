namespace MultipartAbort.Adapters.Doctor;

/// <summary>The store table of docs/stores.md as data; a test keeps the page and this table equal, cell by cell.</summary>
public static class StoreProfiles
{
    public static IReadOnlyList<StoreProfile> Stores { get; } =
    [
        new("moto", "moto 5.2 (tests)"),
        new("ceph-rgw", "Ceph RGW 16.2 (tests)"),
        new("aws-s3", "AWS S3 (docs)"),
        new("ibm-cos", "IBM COS (docs)"),
        new("minio", "MinIO (docs)") { Reaps = new("MinIO stale_uploads_expiry (24 h by default)", TimeSpan.FromHours(24)) },
    ];

    /// <summary>One cell per store in <see cref="Stores"/>' order.</summary>
    public static IReadOnlyList<(string Behaviour, string[] Cells)> Rows { get; } =
    [
        ("abort of an unknown upload id", ["404 `NoSuchUpload`", "404 `NoSuchUpload`", "404 `NoSuchUpload`", "404 `NoSuchUpload`", "200 (hence the probe first)"]),
        ("ListParts after abort / of an unknown id", ["404 `NoSuchUpload`", "**404 `NoSuchKey`**", "404 `NoSuchUpload`", "404 `NoSuchUpload`", "404 `NoSuchUpload`"]),
        ("abort of a real id under another key", ["**deletes the upload**", "404 `NoSuchUpload`, upload kept", "404 `NoSuchUpload`", "404 `NoSuchUpload`", "404 `NoSuchUpload`"]),
        ("part whose body ends after the abort", ["refused (500)", "refused (404 `NoSuchUpload`)", "may or may not land (AWS: \"might or might not succeed\")", "as S3", "as S3"]),
        ("ListMultipartUploads order", ["creation order, all in one page", "**its own**: `key.uploadId.meta`, so `file name`, `file-x` before `file`", "UTF-8 key order, then initiation time", "as S3", "as S3"]),
        ("page size", ["ignores `max-uploads`: one page", "1,000 (larger is capped; `max-uploads=0` answers 0 with `IsTruncated`)", "1,000", "1,000", "1,000"]),
        ("`prefix` in ListMultipartUploads", ["prefix", "prefix (a `delimiter` drops the uploads below it, no CommonPrefixes)", "prefix", "prefix", "**exact key only** (minio#11686, #20989): found by the check, then filtered locally"]),
        ("signatures", ["**not checked**", "SigV4 checked: `SignatureDoesNotMatch`, `InvalidAccessKeyId` (403, empty message)", "checked", "checked (HMAC SigV4 or IAM bearer)", "checked"]),
        ("`Initiated`", ["**2010-11-10 for every upload**", "real time (ms)", "real time", "real time", "real time"]),
        ("reaps incomplete uploads by itself", ["no", "no", "no (only by a lifecycle rule)", "no (only by a lifecycle rule)", "**yes**: stale uploads expire after `api stale_uploads_expiry` (24 h by default), rules or not"]),
        ("lifecycle `AbortIncompleteMultipartUpload`", ["stored and returned, never applied", "applied by its lifecycle engine (`rgw lc debug interval` makes a day N seconds)", "applied, day rounded up to midnight UTC", "applied, as S3", "applied; some releases drop the action silently (minio#19115)"]),
    ];

    /// <summary>Most stores name themselves in <c>Server</c>; Ceph RGW (beast) sends none, but its request ids look like <c>tx000…-zonegroup</c>.</summary>
    public static StoreProfile? Identify(string? server, string? requestId)
    {
        var id = server switch
        {
            null or "" when requestId is { } r && r.StartsWith("tx0", StringComparison.Ordinal) && r.Contains('-', StringComparison.Ordinal) => "ceph-rgw",
            null or "" => null,
            _ when server.Contains("Werkzeug", StringComparison.OrdinalIgnoreCase) || server.Contains("moto", StringComparison.OrdinalIgnoreCase) => "moto",
            _ when server.Contains("Ceph", StringComparison.OrdinalIgnoreCase) || server.Contains("RGW", StringComparison.OrdinalIgnoreCase) => "ceph-rgw",
            _ when server.Contains("AmazonS3", StringComparison.OrdinalIgnoreCase) => "aws-s3",
            _ when server.Contains("Cleversafe", StringComparison.OrdinalIgnoreCase) => "ibm-cos",
            _ when server.Contains("MinIO", StringComparison.OrdinalIgnoreCase) => "minio",
            _ => null,
        };
        return Stores.FirstOrDefault(s => s.Id == id);
    }

    public static IReadOnlyList<(string Behaviour, string Answer)> Facts(StoreProfile store)
    {
        var column = Stores.ToList().IndexOf(store);
        return [.. Rows.Select(r => (r.Behaviour, r.Cells[column]))];
    }
}

/// <summary>Id is for <c>--json</c>; Heading is the page's column.</summary>
public sealed record StoreProfile(string Id, string Heading)
{
    /// <summary>The default of a setting the S3 API cannot read: the report says "by default".</summary>
    public Core.Ports.StoreReaping? Reaps { get; init; }
}
