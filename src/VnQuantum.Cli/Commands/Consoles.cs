using Spectre.Console;

namespace VnQuantum.Cli.Commands;

internal static class Consoles
{
    /// <summary>The width given to output that is not a terminal: wide enough that no table of ours wraps.</summary>
    public const int NoWrapWidth = 4096;

    /// <summary>A Spectre console writing to <paramref name="writer"/>; colours only when it is a terminal.</summary>
    public static IAnsiConsole For(TextWriter writer)
    {
        bool terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });

        // A pipe or a file has no width: Spectre would assume 80 columns and wrap cells mid-word
        // ("hue-hospital>dn-hospita" / "l"), which breaks anything that reads the table.
        if (!terminal)
        {
            console.Profile.Width = NoWrapWidth;
        }

        return console;
    }
}
