namespace MultipartAbort.Adapters.Iam;

/// <summary>Exchanging the API key for a token failed; the message is IAM's (or the network's), never the key.</summary>
public sealed class IamException(string message, Exception? inner = null) : Exception(message, inner);
