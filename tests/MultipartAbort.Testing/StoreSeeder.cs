using Amazon.S3;
using Amazon.S3.Model;

namespace MultipartAbort.Testing;

/// <summary>Makes buckets and incomplete multipart uploads on a real server, with the real SDK.</summary>
public sealed class StoreSeeder(IAmazonS3 s3)
{
    public async Task<string> BucketAsync(string? name = null)
    {
        name ??= MotoServer.UniqueBucket();
        await s3.PutBucketAsync(name);
        return name;
    }

    /// <summary>Starts an upload and uploads <paramref name="parts"/> small parts to it; returns the upload id.</summary>
    public async Task<string> UploadAsync(string bucket, string key, int parts = 1, int partSize = 16)
    {
        var init = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key });
        for (var n = 1; n <= parts; n++)
            await PartAsync(bucket, key, init.UploadId, n, partSize);
        return init.UploadId;
    }

    public async Task PartAsync(string bucket, string key, string uploadId, int partNumber, int size = 16)
    {
        using var body = new MemoryStream(new byte[size]);
        await s3.UploadPartAsync(
            new UploadPartRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = uploadId,
                PartNumber = partNumber,
                InputStream = body,
            }
        );
    }

    /// <summary>The parts ListParts reports (all pages), or null when the upload does not exist.</summary>
    public async Task<int?> PartCountAsync(string bucket, string key, string uploadId)
    {
        try
        {
            var total = 0;
            string? marker = null;
            while (true)
            {
                var page = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartNumberMarker = marker });
                total += page.Parts?.Count ?? 0;
                if (page.IsTruncated != true)
                    return total;
                marker = page.NextPartNumberMarker?.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "NoSuchUpload" or "NoSuchKey") // Ceph RGW says NoSuchKey
        {
            return null;
        }
    }

    /// <summary>Every upload id the bucket lists.</summary>
    public async Task<IReadOnlyList<string>> UploadIdsAsync(string bucket, string? prefix = null)
    {
        var ids = new List<string>();
        string? keyMarker = null, idMarker = null;
        while (true)
        {
            var page = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = prefix, KeyMarker = keyMarker, UploadIdMarker = idMarker });
            ids.AddRange((page.MultipartUploads ?? []).Select(u => u.UploadId));
            if (page.IsTruncated != true)
                return ids;
            keyMarker = page.NextKeyMarker;
            idMarker = page.NextUploadIdMarker;
        }
    }
}
