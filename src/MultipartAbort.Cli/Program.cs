using System.CommandLine;
using MultipartAbort.Cli;

var global = new GlobalOptions();
var root = new RootCommand("mpa: abort and verify S3/COS multipart uploads (MultipartAbort's command line).");
global.AddTo(root);
root.Subcommands.Add(InvokeCommand.Create(global));
return await root.Parse(args).InvokeAsync();
