// The IBM Cloud host (Code Engine app, OpenWhisk Docker action): wiring only; SIGTERM lets in-flight requests finish.
using MultipartAbort.Core.Configuration;
using MultipartAbort.Http;

return await HttpHost.RunAsync(args, ProcessEnvironment.Instance, Console.Out, TimeProvider.System);
