using EdgeLLM.Cli;
using EdgeLLM.Cli.Common;

using var interrupt = new InterruptHandler();
return await CliApp.RunAsync(args, null, null, null, interrupt.Token);
