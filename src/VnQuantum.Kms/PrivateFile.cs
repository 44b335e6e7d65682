namespace VnQuantum.Kms;

/// <summary>
/// Files and folders that hold secrets (private keys, key-encryption keys, an initial password, key material), created
/// with their final owner-only mode, never readable by others even for a moment: not written first and chmod-ed after.
/// </summary>
public static class PrivateFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates (or replaces) <paramref name="path"/> with <paramref name="content"/>, mode 0600.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
            if (File.Exists(path))
            {
                // The creation mode applies to new files only: an existing one is restricted before it is rewritten.
                File.SetUnixFileMode(path, OwnerOnly);
            }
        }

        using var file = new FileStream(path, options);
        file.Write(content);
    }

    /// <summary>Creates (or replaces) <paramref name="path"/> with UTF-8 <paramref name="text"/>, mode 0600.</summary>
    public static void WriteText(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Creates the folder <paramref name="path"/> (and its parents) with mode 0700 if it does not exist; an existing folder is left as it is.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyFolder);
        }
    }
}
