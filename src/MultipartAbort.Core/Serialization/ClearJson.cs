namespace MultipartAbort.Core.Serialization;

/// <summary><c>mpa clear --json</c> (docs/cli.md).</summary>
internal static class ClearJson
{
    public static string Text(ClearResult clear, bool indented = false) =>
        ResultJson.Text(
            json =>
            {
                json.WriteStartObject();
                json.WriteString("bucket", clear.Request.Bucket);
                json.WriteIf("prefix", clear.Request.Prefix);
                json.WriteBoolean("dryRun", clear.DryRun);
                json.WriteBoolean("cleared", clear.Cleared);
                json.WriteBoolean("deletable", clear.Deletable);
                json.WriteBoolean("prefixBound", clear.PrefixBound);
                json.WriteIf("refused", clear.Refused);
                json.WritePropertyName("sweep");
                ResultJson.WriteSweep(json, clear.Sweep);
                json.WritePropertyName("remaining");
                json.WriteStartObject();
                if (clear.UploadsRemaining is { } left)
                {
                    json.WriteNumber("uploads", left);
                    json.WriteNumber("youngerThanMinUploadAge", clear.YoungerThanMinUploadAge);
                    json.WriteNumber("outsideAllowedPrefixes", clear.OutsideAllowedPrefixes);
                }
                json.WriteIf("uploadsError", clear.RemainingError);
                if (clear.Contents is { } contents)
                {
                    json.WriteBoolean("objects", contents.ObjectsRemain);
                    // "unknown": the store would not say (no s3:ListBucketVersions), which is not an error.
                    if (contents.VersionsRemain is { } versions)
                        json.WriteBoolean("versions", versions);
                    else
                    {
                        json.WriteString("versions", "unknown");
                        json.WriteString("versionsWhy", contents.VersionsUnknownWhy);
                    }
                }
                json.WriteIf("contentsError", clear.ContentsError);
                json.WriteEndObject();
                json.WriteStartArray("results");
                foreach (var r in clear.Notable)
                    ResultJson.WriteResult(json, r);
                json.WriteEndArray();
                json.WriteEndObject();
            },
            indented
        );
}
