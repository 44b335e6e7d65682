using System.Security.Cryptography;

namespace VnQuantum.Kms.KeySources;

/// <summary>Key material from a file of raw bytes: for tests, and for links whose QKD chain runs elsewhere.</summary>
public static class KeyFile
{
    /// <summary>Adds the file's bytes to <paramref name="link"/>'s pool; the copy in memory is zeroed afterwards.</summary>
    public static void Replay(string path, Storage.IKeyStore store, string link = KeyService.LocalLink)
    {
        ArgumentNullException.ThrowIfNull(store);
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            store.AddToPool(link, bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
