using System.Text;

namespace MultipartAbort.Testing;

/// <summary>
/// The events that once crashed a door (a lone surrogate, non-ASCII digits, durations and times past the calendar,
/// bytes that are not UTF-8, a key no request could name in an upload-started event): each must be a clean refusal
/// at every door. The upload-started ones need UPLOAD_TTL set, or they are refused for want of it instead.
/// </summary>
public static class HostileEvents
{
    /// <summary>(name, the raw body, text the refusal must hold).</summary>
    public static IReadOnlyList<(string Name, byte[] Body, string Names)> All { get; } =
    [
        ("lone surrogate in a property name", """{"\ud800":1,"bucket":"b-ok","key":"k","uploadId":"u"}"""u8.ToArray(), "not valid Unicode"),
        ("lone surrogate in a value", """{"bucket":"b-ok","key":"k\udc00","uploadId":"u"}"""u8.ToArray(), "not valid Unicode"),
        ("lone surrogate in notBefore", """{"bucket":"b-ok","key":"k","uploadId":"u","notBefore":"x\ud800"}"""u8.ToArray(), "not valid Unicode"),
        ("lone surrogate in a report glob", """{"report":{"buckets":["hostile-\ud800*"]}}"""u8.ToArray(), "not valid Unicode"),
        ("arabic-indic digits in a duration", """{"sweep":{"bucket":"b-ok","olderThan":"P١D"}}"""u8.ToArray(), "sweep.olderThan"),
        ("fullwidth digits in a duration", """{"sweep":{"bucket":"b-ok","olderThan":"P１D"}}"""u8.ToArray(), "sweep.olderThan"),
        ("a duration past the calendar", """{"sweep":{"bucket":"b-ok","olderThan":"P800000D"}}"""u8.ToArray(), "P36500D"),
        ("minIdle past the calendar", """{"bucket":"b-ok","key":"k","uploadId":"u","minIdle":"P5000000D"}"""u8.ToArray(), "P36500D"),
        ("initiatedAt at the end of the calendar", """{"bucket":"b-ok","key":"k","initiatedAt":"9999-12-31T23:59:59Z"}"""u8.ToArray(), "initiatedAt"),
        ("a CloudTrail start at the end of the calendar", Encoding.UTF8.GetBytes(CloudTrailStart("9999-12-31T23:59:59Z", "backups/db.tar")), "ahead"),
        ("bytes that are not UTF-8 in a key", [.. "{\"bucket\":\"b-ok\",\"key\":\"odd/"u8, 0xFF, 0xFE, .. "\",\"uploadId\":\"u\"}"u8], "not valid UTF-8"),
        ("a 1,025-byte key in a CloudTrail start", Encoding.UTF8.GetBytes(CloudTrailStart(DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), new string('k', 1025))), "detail.requestParameters.key"),
    ];

    /// <summary>An EventBridge "AWS API Call via CloudTrail" event of a CreateMultipartUpload, as AWS sends it (trimmed).</summary>
    public static string CloudTrailStart(string eventTime, string key) =>
        $$"""
        {"version":"0","id":"3dcb8e8f-6b1b-4c5e-a1f5-6d2f0b9a7c10","detail-type":"AWS API Call via CloudTrail","source":"aws.s3",
         "account":"111122223333","time":"{{eventTime}}","region":"us-east-1","resources":[],
         "detail":{"eventVersion":"1.09","eventTime":"{{eventTime}}","eventSource":"s3.amazonaws.com","eventName":"CreateMultipartUpload",
          "awsRegion":"us-east-1","requestParameters":{"bucketName":"b-ok","Host":"b-ok.s3.us-east-1.amazonaws.com","key":"{{key}}","uploads":""},
          "responseElements":null,"eventType":"AwsApiCall"} }
        """;
}
