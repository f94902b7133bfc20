using System.IO.Compression;
using System.Text;

namespace Glass.Tests.Data;

/// <summary>Hand-made PNG files for decoder tests (palette, alpha, bogus headers) without relying on our encoder.</summary>
static class PngBuilder
{
    /// <summary>A PNG with the given colour type / bit depth and raw scanlines (filter byte 0 prepended here).</summary>
    public static byte[] Build(int width, int height, byte colorType, byte[] rawRows, byte[]? palette = null, byte[]? transparency = null, bool writeData = true)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        WriteBE(ihdr, 0, (uint)width);
        WriteBE(ihdr, 4, (uint)height);
        ihdr[8] = 8; ihdr[9] = colorType; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
        Chunk(ms, "IHDR", ihdr);
        if (palette is not null) Chunk(ms, "PLTE", palette);
        if (transparency is not null) Chunk(ms, "tRNS", transparency);
        if (writeData)
        {
            int rowLen = rawRows.Length / height;
            using var zbuf = new MemoryStream();
            using (var z = new ZLibStream(zbuf, CompressionLevel.Fastest, leaveOpen: true))
                for (int y = 0; y < height; y++)
                {
                    z.WriteByte(0);
                    z.Write(rawRows, y * rowLen, rowLen);
                }
            Chunk(ms, "IDAT", zbuf.ToArray());
        }
        else
        {
            Chunk(ms, "IDAT", [0x78, 0x9C, 0x01, 0x02]);
        }
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        WriteBE(len, 0, (uint)data.Length);
        s.Write(len);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        var crcInput = typeBytes.Concat(data).ToArray();
        var crc = new byte[4];
        WriteBE(crc, 0, Crc32(crcInput));
        s.Write(crc);
    }

    static void WriteBE(byte[] b, int o, uint v)
    {
        b[o] = (byte)(v >> 24); b[o + 1] = (byte)(v >> 16); b[o + 2] = (byte)(v >> 8); b[o + 3] = (byte)v;
    }

    static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
