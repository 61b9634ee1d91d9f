namespace MultipartAbort.Testing.Proxy;

/// <summary>What a store that is having a bad moment answers.</summary>
public enum InjectedFault
{
    /// <summary>503 ServiceUnavailable.</summary>
    ServiceUnavailable,

    /// <summary>503 SlowDown (S3's throttling answer).</summary>
    SlowDown,

    /// <summary>500 InternalError.</summary>
    InternalError,

    /// <summary>The connection is reset without an answer.</summary>
    ConnectionReset,

    /// <summary>403 AccessDenied: credentials that may not read this bucket.</summary>
    AccessDenied,
}
