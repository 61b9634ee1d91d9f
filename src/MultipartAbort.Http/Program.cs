// The IBM Cloud host (a Code Engine app, an OpenWhisk Docker action): wiring only. The environment is read once, the
// services are built once, then Kestrel serves until SIGTERM, when in-flight requests finish before the process exits.
using MultipartAbort.Core.Configuration;
using MultipartAbort.Http;

return await HttpHost.RunAsync(args, ProcessEnvironment.Instance, Console.Out, TimeProvider.System);
