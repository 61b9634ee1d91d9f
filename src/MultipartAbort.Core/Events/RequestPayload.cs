using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Events;

public abstract record RequestPayload;
