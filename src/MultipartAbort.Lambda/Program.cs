// The AWS Lambda custom runtime entry point (provided.al2023): wiring only. The environment is read once, the
// function is built once, then the Runtime API loop runs until Lambda retires the sandbox.
using MultipartAbort.Core.Configuration;
using MultipartAbort.Lambda.Bootstrap;

return await LambdaBootstrap.RunAsync(ProcessEnvironment.Instance, Console.Out, Console.Error, TimeProvider.System, CancellationToken.None);
