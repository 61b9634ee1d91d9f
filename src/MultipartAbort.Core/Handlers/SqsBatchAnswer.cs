using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Handlers;

public sealed record SqsBatchAnswer(SqsBatchResponse Response, OutcomeCounts Counts);
