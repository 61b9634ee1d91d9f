namespace MultipartAbort.Adapters.Iam;

/// <summary>The message is IAM's (or the network's), never the key.</summary>
public sealed class IamException(string message, Exception? inner = null) : Exception(message, inner);
