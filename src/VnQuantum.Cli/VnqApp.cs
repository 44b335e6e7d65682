using System.CommandLine;
using VnQuantum.Cli.Commands;

namespace VnQuantum.Cli;

/// <summary>The <c>vnq</c> command tree. A thin shell: it parses arguments, calls the libraries and renders results.</summary>
public static class VnqApp
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("VnQuantum: quantum circuit simulation, quantum key distribution and key management from the command line.")
        {
            RunCommand.Create(output, error),
            InfoCommand.Create(output, error),
            DrawCommand.Create(output, error),
            ConvertCommand.Create(output, error),
            QkdCommand.Create(output, error),
            KmsCommand.Create(output, error),
            PkiCommand.Create(output, error),
            QecCommand.Create(output, error),
            NetCommand.Create(output, error),
            SenseCommand.Create(output, error),
        };
        foreach (var command in StimCommands.Create(output, error))
        {
            root.Subcommands.Add(command);
        }

        // Invoked asynchronously so that Ctrl+C and SIGTERM cancel the token an action is given (the synchronous
        // invocation installs no handler, and the process died at once, mid-row): a long collection then stops
        // between rows and says how to resume. An action that ignores the token is ended after ten seconds.
        var parse = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = TimeSpan.FromSeconds(10) };
        return parse.InvokeAsync(configuration).GetAwaiter().GetResult();
    }
}
