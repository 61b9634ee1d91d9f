using MultipartAbort.Cli;

return await MpaCommandLine.RunAsync(args);
