using MultipartAbort.Core.Configuration;
using MultipartAbort.Http.Tests.Infrastructure;
using MultipartAbort.Testing;

namespace MultipartAbort.Http.Tests.EndToEnd;

/// <summary>What the end-to-end tests share: moto, a seeder on it, and the host's environment.</summary>
public abstract class HostTestBase(MotoServer moto)
{
    protected MotoServer Moto { get; } = moto;
    protected StoreSeeder Seeder { get; } = new(moto.CreateS3Client());

    /// <summary>The host against moto, with the test secret unless <paramref name="secret"/> says otherwise.</summary>
    protected Dictionary<string, string?> Environment(string? secret = HostRequests.Secret, bool trusted = false, params (string Name, string? Value)[] extra)
    {
        var env = Moto.FunctionEnvironment(extra);
        if (secret is not null)
            env[EnvironmentVariables.WebhookSecret] = secret;
        if (trusted)
            env[EnvironmentVariables.CloudEventsTrusted] = "true";
        return env;
    }

    /// <summary>A bucket with one incomplete upload of two parts.</summary>
    protected async Task<(string Bucket, string Key, string UploadId)> UploadAsync(string key = "data/big.bin")
    {
        var bucket = await Seeder.BucketAsync();
        var uploadId = await Seeder.UploadAsync(bucket, key, parts: 2);
        return (bucket, key, uploadId);
    }
}
