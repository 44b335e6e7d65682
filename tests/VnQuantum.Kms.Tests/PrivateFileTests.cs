namespace VnQuantum.Kms.Tests;

/// <summary>Secrets on disk are the owner's alone: new files, rewritten files and new folders.</summary>
public sealed class PrivateFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vnq-private-{Guid.NewGuid():N}");

    public PrivateFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ANewFile_IsCreatedOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string path = Path.Combine(_dir, "kek.bin");
        PrivateFile.Write(path, [1, 2, 3]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
    }

    [Fact]
    public void AnExistingReadableFile_IsRestrictedBeforeItIsRewritten()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string path = Path.Combine(_dir, "initial-admin.txt");
        File.WriteAllText(path, "an older, longer secret that must not survive");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        PrivateFile.WriteText(path, "new");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("new", File.ReadAllText(path));
    }

    [Fact]
    public void ANewFolder_IsOwnerOnly_AndAnExistingOneIsLeftAlone()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string folder = Path.Combine(_dir, "App_Data", "keys");
        PrivateFile.CreateFolder(folder);
        Assert.Equal(PrivateFile.OwnerOnlyFolder, File.GetUnixFileMode(folder));
        File.SetUnixFileMode(folder, PrivateFile.OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        PrivateFile.CreateFolder(folder);
        Assert.Equal(PrivateFile.OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute, File.GetUnixFileMode(folder));
    }
}
