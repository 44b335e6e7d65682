namespace VnQuantum.Qkd.PostProcessing;

/// <summary>Bit lists packed into message bytes (bit i in bit i mod 8 of byte i/8), the wire format of the chain.</summary>
internal static class BitPacking
{
    public static byte[] Pack(int count, Func<int, bool> bit)
    {
        var bytes = new byte[(count + 7) / 8];
        for (int i = 0; i < count; i++)
        {
            if (bit(i))
            {
                bytes[i >> 3] |= (byte)(1 << (i & 7));
            }
        }

        return bytes;
    }

    public static bool Read(byte[] bytes, int i) => ((bytes[i >> 3] >> (i & 7)) & 1) != 0;
}
