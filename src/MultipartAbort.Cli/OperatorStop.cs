using System.Runtime.InteropServices;

namespace MultipartAbort.Cli;

// Ctrl+C once: in-flight uploads finish so no abort is unverified. Twice: abandon them.
internal sealed class OperatorStop : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abandon;
    private readonly PosixSignalRegistration[] _registrations;

    public OperatorStop(CancellationToken outer, Action<string>? notify = null)
    {
        _abandon = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, notify)),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, notify)),
        ];
    }

    public CancellationToken Stop => _stop.Token;

    public CancellationToken Abandon => _abandon.Token;

    private void OnSignal(PosixSignalContext context, Action<string>? notify)
    {
        context.Cancel = true;
        if (!_stop.IsCancellationRequested)
        {
            notify?.Invoke("stopping: no new uploads are taken; those in flight finish and are verified (press Ctrl+C again to abandon them)");
            _stop.Cancel();
        }
        else
        {
            notify?.Invoke("abandoning the uploads in flight");
            _abandon.Cancel();
        }
    }

    public void Dispose()
    {
        foreach (var r in _registrations)
            r.Dispose();
        _stop.Dispose();
        _abandon.Dispose();
    }
}
