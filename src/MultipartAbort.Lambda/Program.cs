// The Lambda custom runtime entry point (provided.al2023): wiring only.
using MultipartAbort.Core.Configuration;
using MultipartAbort.Lambda.Bootstrap;

return await LambdaBootstrap.RunAsync(ProcessEnvironment.Instance, Console.Out, Console.Error, TimeProvider.System, CancellationToken.None);
