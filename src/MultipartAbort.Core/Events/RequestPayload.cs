using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Events;

/// <summary>What an event (or an SQS body, webhook body, EventBridge detail) asks for.</summary>
public abstract record RequestPayload;
