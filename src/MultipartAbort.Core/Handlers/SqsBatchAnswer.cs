using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Handlers;

internal sealed record SqsBatchAnswer(SqsBatchResponse Response, OutcomeCounts Counts);
