using EdgeLLM.Cli;

return await CliApp.RunAsync(args);
