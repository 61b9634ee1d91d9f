namespace MultipartAbort.Core.Handlers;

internal sealed record SqsBatchAnswer(SqsBatchResponse Response, OutcomeCounts Counts);
