using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Handlers;

/// <summary>The answer to an SQS batch (the records SQS must deliver again), and what happened, for metrics.</summary>
internal sealed record SqsBatchAnswer(SqsBatchResponse Response, OutcomeCounts Counts);
