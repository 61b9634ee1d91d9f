using System.Text.Json.Nodes;

namespace MultipartAbort.Tests.Timers;

/// <summary>The two arming samples (see Samples/README.md for where they come from), and edits of them.</summary>
internal static class UploadTtlSamples
{
    public const string CloudTrailFile = "eventbridge-cloudtrail-create-multipart-upload.json";
    public const string ActivityTrackerFile = "cloudevent-activity-tracker-multipart-start.json";

    /// <summary>From the samples: the CloudTrail record's eventTime, bucket and key.</summary>
    public static readonly DateTimeOffset CloudTrailTime = DateTimeOffset.Parse("2024-07-02T00:22:11Z", System.Globalization.CultureInfo.InvariantCulture);
    public const string CloudTrailBucket = "amzn-s3-demo-bucket";
    public const string CloudTrailKey = "backups/2024-07-02/db.tar";

    public static readonly DateTimeOffset ActivityTrackerTime = DateTimeOffset.Parse("2020-03-08T12:22:01+00:00", System.Globalization.CultureInfo.InvariantCulture);
    public const string ActivityTrackerBucket = "at-frankfurt";
    public const string ActivityTrackerKey = "3a941d8f1f.2020-03-07.70.json.gz";
    public const string ActivityTrackerUploadId = "0100017a-9e1f-4a6b-8c3d-2f5e6a7b8c9d";

    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    /// <summary>The CloudTrail sample with its detail edited (event name, bucket, key, time).</summary>
    public static string CloudTrail(Action<JsonNode>? editDetail = null)
    {
        var root = JsonNode.Parse(Read(CloudTrailFile))!;
        editDetail?.Invoke(root["detail"]!);
        return root.ToJsonString();
    }
}
