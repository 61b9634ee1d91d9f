// Code Engine app and OpenWhisk Docker action; SIGTERM lets in-flight requests finish.
using MultipartAbort.Core.Configuration;
using MultipartAbort.Http;

return await HttpHost.RunAsync(args, ProcessEnvironment.Instance, Console.Out, TimeProvider.System);
