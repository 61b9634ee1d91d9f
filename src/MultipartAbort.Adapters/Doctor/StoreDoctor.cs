using MultipartAbort.Adapters.Lifecycle;

namespace MultipartAbort.Adapters.Doctor;

/// <summary><c>mpa doctor</c>: harmless calls (read-only, or on a made-up upload id) whose exact SDK answers the store port hides.</summary>
public sealed class StoreDoctor
{
    /// <summary>SigV4 refuses a request whose time is this far from the store's.</summary>
    public static readonly TimeSpan SigV4Skew = TimeSpan.FromMinutes(15);

    /// <summary>So a doctor stays quick on a bucket holding millions.</summary>
    public const int CountLimit = 10_000;

    // A full page, as S3 gives one.
    private const int PageSize = 1000;

    private readonly IAmazonS3 _s3;
    private readonly S3ObjectStore _store;
    private readonly FleetScan _scan;
    private readonly Settings _settings;
    private readonly TimeProvider _time;
    private readonly StoreIdentity _identity;

    private StoreDoctor(IAmazonS3 s3, FunctionServices services)
    {
        (_s3, _store, _scan, _settings, _time) = (s3, new S3ObjectStore(s3), services.Scan, services.Settings, services.Time);
        _identity = new StoreIdentity(s3, _time);
    }

    /// <summary><c>mpa doctor</c>: the selected buckets' checks, then each one's lifecycle coverage as the report counts it.</summary>
    public static async Task<DoctorReport> RunAsync(Composed composed, IReadOnlyList<string> names, bool allBuckets, string? canaryPrefix, Invocation invocation)
    {
        var services = composed.Services;
        var selection = await services.Scan.SelectAsync(names, allBuckets, invocation.Work).ConfigureAwait(false);
        var report = await new StoreDoctor(composed.S3, services).RunAsync(selection, allBuckets, canaryPrefix, invocation).ConfigureAwait(false);
        if (report.Unreachable || selection.Buckets.Count == 0)
            return report;
        var census = await services.ReportAsync(new ReportRequest { Buckets = [.. selection.Buckets], Top = 0 }, invocation).ConfigureAwait(false);
        return report with { Checks = [.. report.Checks, .. census.Buckets.Where(b => b.Error is null).Select(Coverage)] };
    }

    // A warning for any upload no enabled abort rule covers, or when the rules are unknown.
    private static DoctorCheck Coverage(BucketReport bucket)
    {
        var (covered, notCovered) = (bucket.Overall.Covered, bucket.Overall.NotCovered);
        if (bucket.LifecycleError is { } error)
            return new(bucket.Bucket, "lifecycle-coverage", DoctorStatus.Warn, $"unknown: the lifecycle rules could not be read ({error})");
        var detail = $"{ReportUnits.Count(covered.Uploads)} upload(s) ({ReportUnits.Bytes(covered.Bytes)}) covered by a rule, {ReportUnits.Count(notCovered.Uploads)} ({ReportUnits.Bytes(notCovered.Bytes)}) not covered";
        return new(bucket.Bucket, "lifecycle-coverage", notCovered.Uploads > 0 ? DoctorStatus.Warn : DoctorStatus.Ok, detail);
    }

    // Buckets the selection turned away are each a failed check.
    private async Task<DoctorReport> RunAsync(BucketSelection selection, bool allBuckets, string? canaryPrefix, Invocation invocation)
    {
        var ct = invocation.Work;
        var checks = new List<DoctorCheck>();
        // ListBuckets first: harmless, and whether the store answers at all.
        try
        {
            var names = await _store.ListBucketsAsync(ct).ConfigureAwait(false);
            checks.Add(new(null, "list-buckets", DoctorStatus.Ok, $"allowed ({names.Count} bucket(s) listed)", Permissions.ListBuckets));
        }
        catch (StoreException ex) when (Unreachable(ex))
        {
            return new DoctorReport(_settings.CosEndpoint?.ToString(), null, null, null, [new(null, "store", DoctorStatus.Fail, $"cannot reach the store: {ex.Message}")], Unreachable: true);
        }
        catch (StoreException ex)
        {
            _identity.Remember(ex);
            var status = allBuckets ? DoctorStatus.Fail : DoctorStatus.Warn;
            checks.Add(new(null, "list-buckets", status, Refusal(ex, Permissions.ListBuckets) + (allBuckets ? "" : " (needed only for --all-buckets and globs)"), Permissions.ListBuckets));
        }
        foreach (var refused in selection.Refused)
            checks.Add(new(refused.Bucket, "bucket", DoctorStatus.Fail, refused.Error));
        foreach (var bucket in selection.Buckets)
        {
            checks.AddRange(await BucketAsync(bucket, invocation).ConfigureAwait(false));
            if (canaryPrefix is not null)
                checks.AddRange(await new Canary(this, bucket, canaryPrefix).RunAsync(ct).ConfigureAwait(false));
        }
        // Read last: when ListBuckets was refused without headers, a later answer still says who the store is.
        var (server, profile, skew) = (_identity.Server, _identity.Profile, _identity.Skew);
        checks.Insert(0, new(null, "store", profile is null ? DoctorStatus.Warn : DoctorStatus.Ok, profile is null ? $"not in the store table (Server: {server ?? "none sent"})" : $"{profile.Heading} (Server: {server ?? "none sent"})"));
        checks.Insert(1, SkewCheck(skew));
        return new DoctorReport(_settings.CosEndpoint?.ToString(), server, profile, skew, checks, Unreachable: false);
    }

    private async Task<List<DoctorCheck>> BucketAsync(string bucket, Invocation invocation)
    {
        var ct = invocation.Work;
        var checks = new List<DoctorCheck>();
        // A made-up upload under the first allowed prefix: a policy that scopes the actions to a prefix is tried there.
        var probeKey = (_settings.Access.Prefixes.FirstOrDefault() ?? "") + "mpa-doctor-probe";
        var probeId = "mpa-doctor-" + Guid.NewGuid().ToString("N");

        var (count, first, error) = await _scan.CountAsync(bucket, CountLimit, invocation).ConfigureAwait(false);
        // Ctrl+C ends the guarded listing without throwing; rethrow so the doctor stops.
        ct.ThrowIfCancellationRequested();
        if (error is { } refused)
        {
            _identity.Remember(refused);
            checks.Add(new(bucket, "list-uploads", DoctorStatus.Fail, Refusal(refused, Permissions.ListUploads), Permissions.ListUploads));
            if (refused.IsBucketMissing)
                return checks;
        }
        else
        {
            checks.Add(new(bucket, "list-uploads", DoctorStatus.Ok, "allowed", Permissions.ListUploads));
            checks.Add(new(bucket, "uploads", DoctorStatus.Ok, count >= CountLimit ? $"{CountLimit:N0} or more incomplete uploads (counted up to {CountLimit:N0})" : $"{count} incomplete upload(s)"));
        }

        if (first is { Key: var k })
            checks.Add(await PrefixCheckAsync(bucket, k.Length > 1 ? k[..^1] : k, first.UploadId, "an upload already there", "prefix-listing", ct).ConfigureAwait(false));
        else if (checks.Any(c => c.Check == "list-uploads" && c.Status == DoctorStatus.Ok))
            checks.Add(new(bucket, "prefix-listing", DoctorStatus.Untried, "no upload in the bucket to look for with a prefix (--canary PREFIX tries it with an upload of its own)"));

        checks.Add(await ProbeAsync(bucket, "list-parts", Permissions.ListParts, ct, () => _s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = probeKey, UploadId = probeId }, ct)).ConfigureAwait(false));
        checks.Add(await ProbeAsync(bucket, "abort", Permissions.Abort, ct, () => _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = probeKey, UploadId = probeId }, ct)).ConfigureAwait(false));

        try
        {
            var (whole, rules) = LifecycleAbortRule.Audit(BucketLifecycle.AbortRules(await new BucketLifecycle(_s3).ReadAsync(bucket, ct).ConfigureAwait(false)));
            checks.Add(new(bucket, "lifecycle-read", DoctorStatus.Ok, "allowed", Permissions.GetLifecycle));
            checks.Add(
                whole is not null ? new(bucket, "lifecycle-rule", DoctorStatus.Ok, $"rule '{whole.Id}' aborts incomplete uploads after {whole.Days} days")
                : rules.Length > 0 ? new(bucket, "lifecycle-rule", DoctorStatus.Warn, $"only for {LifecycleAbortRule.Describe(rules)} (mpa lifecycle apply adds one)")
                : new(bucket, "lifecycle-rule", DoctorStatus.Warn, "no rule aborts incomplete uploads (mpa lifecycle apply adds one)")
            );
        }
        catch (StoreException ex)
        {
            checks.Add(new(bucket, "lifecycle-read", DoctorStatus.Fail, Refusal(ex, Permissions.GetLifecycle), Permissions.GetLifecycle));
        }
        checks.Add(new(bucket, "lifecycle-write", DoctorStatus.Untried, "no harmless call tries it (a PUT replaces the whole configuration): mpa lifecycle apply --yes will tell", Permissions.PutLifecycle));
        return checks;
    }

    // PREFIX_LISTING=auto or local handles a store that reads a prefix as an exact key: a warning then, a failure under server.
    private async Task<DoctorCheck> PrefixCheckAsync(string bucket, string prefix, string uploadId, string what, string check, CancellationToken ct)
    {
        try
        {
            var (found, outside, listed) = await FindAsync(bucket, prefix, uploadId, ct).ConfigureAwait(false);
            return found && outside == 0 ? new(bucket, check, DoctorStatus.Ok, $"honoured: prefix '{prefix}' found {what} ({listed} listed)")
                : outside > 0 ? new(bucket, check, DoctorStatus.Fail, $"ignored: prefix '{prefix}' listed {outside} upload(s) outside it; sweep without --prefix (ALLOWED_PREFIXES still bounds the aborts)")
                : _settings.PrefixListing == PrefixListingMode.Server
                    ? new(bucket, check, DoctorStatus.Fail, $"not honoured: prefix '{prefix}' did not find {what} (the store answered {listed}; MinIO lists one exact key only), and PREFIX_LISTING=server trusts it: set PREFIX_LISTING=auto or local")
                : new(bucket, check, DoctorStatus.Warn, $"not honoured: prefix '{prefix}' did not find {what} (the store answered {listed}; MinIO lists one exact key only); PREFIX_LISTING={(_settings.PrefixListing == PrefixListingMode.Local ? "local" : "auto")} lists without it and filters here");
        }
        catch (StoreException ex)
        {
            var refusal = Refusal(ex, Permissions.ListUploads);
            return new(bucket, check, DoctorStatus.Fail, check == "prefix-listing" ? $"a listing with prefix '{prefix}': {refusal}" : refusal, Permissions.ListUploads);
        }
    }

    private async Task<(bool Found, int Outside, int Listed)> FindAsync(string bucket, string prefix, string uploadId, CancellationToken ct)
    {
        var page = await _store.ListUploadsAsync(new UploadListing(bucket) { Prefix = prefix, MaxUploads = PageSize }, ct).ConfigureAwait(false);
        return (page.Uploads.Any(u => u.UploadId == uploadId), page.Uploads.Count(u => !u.Key.StartsWith(prefix, StringComparison.Ordinal)), page.Uploads.Count);
    }

    // "No such upload" (or MinIO's 200) on a made-up upload id means the call reached the lookup, so the permission is there.
    private async Task<DoctorCheck> ProbeAsync(string bucket, string check, Permission permission, CancellationToken ct, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
            return new(bucket, check, DoctorStatus.Ok, "allowed (a made-up upload id answered 200)", permission);
        }
        catch (AmazonS3Exception ex) when (S3ObjectStore.IsNoSuchUpload(ex))
        {
            return new(bucket, check, DoctorStatus.Ok, $"allowed (a made-up upload id answered {Answer(ex)})", permission);
        }
        catch (Exception ex) when (S3ObjectStore.Translate(permission.Operation, ex, ct) is { } translated)
        {
            _identity.Remember(ex);
            return new(bucket, check, DoctorStatus.Fail, Refusal(translated, permission), permission);
        }
    }

    private static string Answer(AmazonS3Exception ex) => $"{(int)ex.StatusCode} {(string.IsNullOrEmpty(ex.ErrorCode) ? "(no code)" : ex.ErrorCode)}";

    private static string Refusal(StoreException ex, Permission permission) =>
        ex.ErrorCode == "AccessDenied"
            ? $"refused (AccessDenied): the credentials lack {permission.Action} ({permission.Operation}; IBM COS role: {permission.CosRole})"
            : $"failed: {ex.Message}";

    private static bool Unreachable(StoreException ex) => ex.ErrorCode is null && ex.InnerException is { } inner && FailureKind.IsNetworkFailure(inner);

    private DoctorCheck SkewCheck(TimeSpan? skew)
    {
        if (skew is not { } s)
            return new(null, "clock-skew", DoctorStatus.Untried, "the store sent no Date header");
        var seconds = (long)Math.Round(s.TotalSeconds);
        var text = $"{(seconds < 0 ? "-" : "+")}{Math.Abs(seconds)} s against the store's Date (1 s resolution)";
        return Math.Abs(seconds) >= SigV4Skew.TotalSeconds
            ? new(null, "clock-skew", DoctorStatus.Fail, $"{text}: SigV4 refuses requests more than 15 minutes off (RequestTimeTooSkewed): set this machine's clock")
            : new(null, "clock-skew", DoctorStatus.Ok, text);
    }

    // One upload with one small part: found by a prefix listing? ListParts after the abort? a second abort needed? nothing left?
    private sealed class Canary(StoreDoctor doctor, string bucket, string prefix)
    {
        private readonly List<DoctorCheck> _checks = [];

        public async Task<IReadOnlyList<DoctorCheck>> RunAsync(CancellationToken ct)
        {
            var key = $"{prefix}mpa-doctor-canary-{doctor._time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..8]}";
            if (doctor._settings.Access.CheckSweep(bucket, prefix) is { } notAllowed)
                return [new(bucket, "canary", DoctorStatus.Fail, $"refused: {notAllowed}; give --canary a prefix inside ALLOWED_PREFIXES (and a bucket in ALLOWED_BUCKETS)")];
            if (doctor._settings.DryRun)
                return
                [
                    new(bucket, "canary", DoctorStatus.Skipped,
                        $"DRY_RUN is set: would create one multipart upload at '{key}' with one 5-byte part, list prefix '{key}', abort it, ListParts, abort again if parts are still listed, and check that nothing is left"),
                ];
            string uploadId;
            var s3 = doctor._s3;
            try
            {
                uploadId = (await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, ct).ConfigureAwait(false)).UploadId;
                _checks.Add(new(bucket, "canary-create", DoctorStatus.Ok, $"created an upload at '{key}'", Permissions.PutObject));
            }
            catch (Exception ex) when (S3ObjectStore.Translate("CreateMultipartUpload", ex, ct) is { } translated)
            {
                _checks.Add(new(bucket, "canary-create", DoctorStatus.Fail, Refusal(translated, Permissions.PutObject), Permissions.PutObject));
                return _checks;
            }
            var leftover = $"upload id '{uploadId}' at '{key}' was left behind: remove it with mpa abort --bucket {bucket} --key '{key}' --upload-id '{uploadId}'";
            try
            {
                using var body = new MemoryStream("mpa\n\n"u8.ToArray());
                await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartNumber = 1, InputStream = body }, ct).ConfigureAwait(false);
                _checks.Add(new(bucket, "canary-part", DoctorStatus.Ok, "uploaded one 5-byte part", Permissions.PutObject));
            }
            catch (Exception ex) when (S3ObjectStore.Translate("UploadPart", ex, ct) is { } translated)
            {
                _checks.Add(new(bucket, "canary-part", DoctorStatus.Fail, Refusal(translated, Permissions.PutObject), Permissions.PutObject));
            }
            // The key less its last character: a store that reads a prefix as an exact key answers the full key rightly.
            _checks.Add(await doctor.PrefixCheckAsync(bucket, key[..^1], uploadId, "the canary", "canary-listing", ct).ConfigureAwait(false));

            if (!await AbortAsync("canary-abort", key, uploadId, leftover, ct).ConfigureAwait(false))
                return _checks;
            var after = await ListPartsAsync(key, uploadId, ct).ConfigureAwait(false);
            if (after is null)
                return Fail("canary-after-abort", leftover);
            _checks.Add(new(bucket, "canary-after-abort", DoctorStatus.Ok, $"ListParts after the abort answered {after.Value.Answer}", Permissions.ListParts));
            if (after.Value.Parts is > 0)
            {
                if (!await AbortAsync("canary-second-abort", key, uploadId, leftover, ct).ConfigureAwait(false))
                    return _checks;
                var again = await ListPartsAsync(key, uploadId, ct).ConfigureAwait(false);
                if (again is null || again.Value.Parts is > 0)
                    return Fail("canary-second-abort", $"parts still listed after a second abort; {leftover}");
                _checks.Add(new(bucket, "canary-second-abort", DoctorStatus.Warn, $"needed: after it ListParts answered {again.Value.Answer}", Permissions.Abort));
            }
            else
            {
                _checks.Add(new(bucket, "canary-second-abort", DoctorStatus.Ok, "not needed"));
            }
            try
            {
                var (still, _, _) = await doctor.FindAsync(bucket, key, uploadId, ct).ConfigureAwait(false);
                _checks.Add(still ? new(bucket, "canary-left", DoctorStatus.Fail, $"still listed after the abort: {leftover}") : new(bucket, "canary-left", DoctorStatus.Ok, "nothing left behind (a listing of its key no longer shows it)"));
            }
            catch (StoreException ex)
            {
                _checks.Add(new(bucket, "canary-left", DoctorStatus.Fail, $"could not verify ({ex.Message}): {leftover}"));
            }
            return _checks;
        }

        private List<DoctorCheck> Fail(string check, string detail)
        {
            _checks.Add(new(bucket, check, DoctorStatus.Fail, detail));
            return _checks;
        }

        private async Task<bool> AbortAsync(string check, string key, string uploadId, string leftover, CancellationToken ct)
        {
            try
            {
                await doctor._s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, ct).ConfigureAwait(false);
                if (check == "canary-abort")
                    _checks.Add(new(bucket, check, DoctorStatus.Ok, "aborted", Permissions.Abort));
                return true;
            }
            catch (Exception ex) when (S3ObjectStore.Translate("AbortMultipartUpload", ex, ct) is { } translated)
            {
                _checks.Add(new(bucket, check, DoctorStatus.Fail, $"{Refusal(translated, Permissions.Abort)}; {leftover}", Permissions.Abort));
                return false;
            }
        }

        // Null (and a failed check) when ListParts failed otherwise.
        private async Task<(string Answer, int Parts)?> ListPartsAsync(string key, string uploadId, CancellationToken ct)
        {
            try
            {
                var response = await doctor._s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = key, UploadId = uploadId }, ct).ConfigureAwait(false);
                var parts = response.Parts?.Count ?? 0;
                return (parts == 0 ? "an empty list" : $"{parts} part(s) still listed", parts);
            }
            catch (AmazonS3Exception ex) when (S3ObjectStore.IsNoSuchUpload(ex))
            {
                return (Answer(ex), 0);
            }
            catch (Exception ex) when (S3ObjectStore.Translate("ListParts", ex, ct) is { } translated)
            {
                _checks.Add(new(bucket, "canary-list-parts", DoctorStatus.Fail, Refusal(translated, Permissions.ListParts), Permissions.ListParts));
                return null;
            }
        }
    }
}

/// <summary>A warning does not fail the run; skipped is DRY_RUN.</summary>
public enum DoctorStatus
{
    Ok,
    Warn,
    Fail,
    Untried,
    Skipped,
}

/// <summary>Bucket null: the store as a whole.</summary>
public sealed record DoctorCheck(string? Bucket, string Check, DoctorStatus Status, string Detail, Permission? Permission = null)
{
    public string StatusName => Status.ToString().ToLowerInvariant();
}

public sealed record Permission(string Action, string Operation, string CosRole);

public static class Permissions
{
    public static readonly Permission ListBuckets = new("s3:ListAllMyBuckets", "ListBuckets", "Reader");
    public static readonly Permission ListUploads = new("s3:ListBucketMultipartUploads", "ListMultipartUploads", "Reader");
    public static readonly Permission ListParts = new("s3:ListMultipartUploadParts", "ListParts", "Reader");
    public static readonly Permission Abort = new("s3:AbortMultipartUpload", "AbortMultipartUpload", "Writer");
    public static readonly Permission GetLifecycle = new("s3:GetLifecycleConfiguration", "GetBucketLifecycleConfiguration", "Manager");
    public static readonly Permission PutLifecycle = new("s3:PutLifecycleConfiguration", "PutBucketLifecycleConfiguration", "Manager");
    public static readonly Permission PutObject = new("s3:PutObject", "CreateMultipartUpload, UploadPart", "Writer");
}

public sealed record DoctorReport(string? Endpoint, string? Server, StoreProfile? Profile, TimeSpan? ClockSkew, IReadOnlyList<DoctorCheck> Checks, bool Unreachable)
{
    public bool Passed => !Unreachable && Checks.All(c => c.Status != DoctorStatus.Fail);

    // mpa doctor --json (docs/cli.md).
    public string Json() =>
        Core.Serialization.ResultJson.Text(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("passed", Passed);
            w.WriteBoolean("unreachable", Unreachable);
            if (Endpoint is not null)
                w.WriteString("endpoint", Endpoint);
            if (Server is not null)
                w.WriteString("server", Server);
            if (ClockSkew is { } skew)
                w.WriteNumber("clockSkewSeconds", Math.Round(skew.TotalSeconds));
            if (Profile is { } profile)
            {
                w.WriteStartObject("store");
                w.WriteString("id", profile.Id);
                w.WriteString("heading", profile.Heading);
                w.WriteStartObject("facts");
                foreach (var (behaviour, answer) in StoreProfiles.Facts(profile))
                    w.WriteString(behaviour, answer);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteStartArray("checks");
            foreach (var c in Checks)
            {
                w.WriteStartObject();
                if (c.Bucket is not null)
                    w.WriteString("bucket", c.Bucket);
                w.WriteString("check", c.Check);
                w.WriteString("status", c.StatusName);
                w.WriteString("detail", c.Detail);
                if (c.Permission is { } p)
                {
                    w.WriteString("action", p.Action);
                    w.WriteString("operation", p.Operation);
                    w.WriteString("cosRole", p.CosRole);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
}
