namespace MultipartAbort.Core.Ports;

/// <summary>Writes one private object (the report's page).</summary>
public interface IObjectWriter
{
    Task PutObjectAsync(string bucket, string key, byte[] body, string contentType, CancellationToken cancellationToken);
}
