using VnQuantum.Cli;

return VnqApp.Run(args, Console.Out, Console.Error);
