namespace VnQuantum.Cli.Commands;

/// <summary>Where a command's text goes: stdout, or a file named by -o.</summary>
internal static class CommandOutput
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="file"/> (or stdout when null) and returns the exit code.</summary>
    public static int Emit(string text, string? file, TextWriter output, TextWriter error)
    {
        if (file is null)
        {
            output.Write(text);
            return ExitCodes.Ok;
        }

        try
        {
            File.WriteAllText(file, text);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{file}: cannot write: {e.Message}");
            return ExitCodes.ResourceError;
        }
    }
}
