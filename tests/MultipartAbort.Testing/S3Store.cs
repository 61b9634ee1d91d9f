using Amazon.S3;
using MultipartAbort.Core.Configuration;

namespace MultipartAbort.Testing;

/// <summary>
/// A real S3 implementation the suite runs on, and what it is known to do differently (the README's store table).
/// One conformance test runs on each; its assertions read these facts instead of being copied per store.
/// </summary>
/// <param name="Name">moto or rgw: the theory's data, so a failure names the store.</param>
/// <param name="Endpoint">Where its S3 API listens (loopback).</param>
/// <param name="AccessKey">An access key it accepts.</param>
/// <param name="SecretKey">That key's secret.</param>
/// <param name="ChecksSignatures">False for moto, which accepts any signature.</param>
/// <param name="RealInitiatedTimes">False for moto, which dates every upload 2010-11-10.</param>
/// <param name="KeepsUploadAbortedUnderAnotherKey">False for moto, which deletes an upload aborted under the wrong key.</param>
public sealed record S3Store(string Name, Uri Endpoint, string AccessKey, string SecretKey, bool ChecksSignatures, bool RealInitiatedTimes, bool KeepsUploadAbortedUnderAnotherKey)
{
    public AmazonS3Client CreateS3Client(string? secretKey = null, string? accessKey = null) =>
        new(
            accessKey ?? AccessKey,
            secretKey ?? SecretKey,
            new AmazonS3Config
            {
                ServiceURL = Endpoint.ToString(),
                ForcePathStyle = true,
                AuthenticationRegion = "us-east-1",
                RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
            }
        );

    /// <summary>The store part of a function's environment: endpoint and keys (queues come from elsewhere).</summary>
    public Dictionary<string, string?> StoreEnvironment(Uri? through = null) =>
        new()
        {
            [EnvironmentVariables.CosEndpoint] = (through ?? Endpoint).ToString(),
            [EnvironmentVariables.CosAccessKeyId] = AccessKey,
            [EnvironmentVariables.CosSecretAccessKey] = SecretKey,
            // Seeded a moment ago, every upload is active under the default MIN_IDLE; the tests of MIN_IDLE set it.
            [EnvironmentVariables.MinIdle] = "PT0S",
        };

    /// <summary>A second user's keys (infra/local/rgw.sh makes uid mpa-test-2); null where the store has one user (moto).</summary>
    public StoreUser? SecondUser { get; init; }

    public override string ToString() => Name;
}

/// <summary>Another user of a store: its keys.</summary>
public sealed record StoreUser(string AccessKey, string SecretKey);
