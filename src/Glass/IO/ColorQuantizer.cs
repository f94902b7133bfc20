namespace Glass.IO;

/// <summary>
/// Picks a palette of at most 256 colours for a set of frames. Frames with few colours (drawn
/// sprites, masks) keep their exact colours. Otherwise: median cut on the colour histogram,
/// always splitting the box with the largest squared error along its widest channel, then a few
/// weighted k-means (Lloyd) passes over the histogram. Ours rather than a library's: see <see cref="GifWriter"/>.
/// </summary>
public static class ColorQuantizer
{
    public const int KMeansPasses = 4;
    const int Bins = 1 << 15;

    public static ColorPalette Build(IEnumerable<RgbImage> images, int maxColors = 256)
    {
        if (maxColors is < 2 or > 256) throw new ArgumentOutOfRangeException(nameof(maxColors), "a GIF palette has 2..256 colours");
        // Exact colours while there are few; beyond that, a 5-bit-per-channel histogram whose bins
        // carry their mean colour (bounded work: at most 32768 entries, whatever the frame count).
        var exact = new HashSet<int>();
        var counts = new long[Bins];
        var sums = new long[Bins * 3];
        long pixels = 0;
        foreach (var image in images)
        {
            var p = image.Pixels;
            for (int j = 0; j < p.Length; j += 3)
            {
                int r = p[j], g = p[j + 1], b = p[j + 2];
                if (exact.Count <= maxColors) exact.Add((r << 16) | (g << 8) | b);
                var bin = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
                counts[bin]++;
                sums[3 * bin] += r;
                sums[3 * bin + 1] += g;
                sums[3 * bin + 2] += b;
            }
            pixels += p.Length / 3;
        }
        if (pixels == 0) throw new ArgumentException("no pixels to build a palette from", nameof(images));
        if (exact.Count <= maxColors) return new ColorPalette(exact.ToList());

        var colorList = new List<int>();
        var weightList = new List<long>();
        for (int bin = 0; bin < Bins; bin++)
        {
            if (counts[bin] == 0) continue;
            int mean = 0;
            for (int ch = 0; ch < 3; ch++) mean |= (int)((sums[3 * bin + ch] + counts[bin] / 2) / counts[bin]) << (16 - 8 * ch);
            colorList.Add(mean);
            weightList.Add(counts[bin]);
        }
        var colors = colorList.ToArray();
        var weights = weightList.ToArray();
        var palette = MedianCut(colors, weights, maxColors);
        Refine(colors, weights, palette);
        return new ColorPalette(palette.Distinct().ToList());
    }

    static int Channel(int rgb, int channel) => (rgb >> (16 - 8 * channel)) & 255;

    sealed class Box(int start, int end)
    {
        public int Start = start, End = end;
        public double Error; // weighted squared distance to the mean, all channels
        public int WidestChannel;
        public int Mean;
    }

    static int[] MedianCut(int[] colors, long[] weights, int maxColors)
    {
        // Sort colours and weights together through an index array.
        var order = Enumerable.Range(0, colors.Length).ToArray();
        var keys = new int[colors.Length];
        var boxes = new List<Box> { Measure(new Box(0, order.Length), order, colors, weights) };
        while (boxes.Count < maxColors)
        {
            Box? worst = null;
            foreach (var b in boxes)
                if (b.End - b.Start > 1 && (worst is null || b.Error > worst.Error)) worst = b;
            if (worst is null || worst.Error <= 0) break;

            var channel = worst.WidestChannel;
            for (int i = worst.Start; i < worst.End; i++) keys[i] = Channel(colors[order[i]], channel);
            Array.Sort(keys, order, worst.Start, worst.End - worst.Start);
            long total = 0;
            for (int i = worst.Start; i < worst.End; i++) total += weights[order[i]];
            long running = 0;
            int split = worst.Start + 1;
            for (int i = worst.Start; i < worst.End - 1; i++)
            {
                running += weights[order[i]];
                split = i + 1;
                if (running * 2 >= total) break;
            }
            var right = Measure(new Box(split, worst.End), order, colors, weights);
            worst.End = split;
            Measure(worst, order, colors, weights);
            boxes.Add(right);
        }
        return boxes.Select(b => b.Mean).ToArray();
    }

    static Box Measure(Box box, int[] order, int[] colors, long[] weights)
    {
        double w = 0;
        Span<double> sum = stackalloc double[3], sumSq = stackalloc double[3];
        for (int i = box.Start; i < box.End; i++)
        {
            var c = colors[order[i]];
            double weight = weights[order[i]];
            w += weight;
            for (int ch = 0; ch < 3; ch++)
            {
                double v = Channel(c, ch);
                sum[ch] += weight * v;
                sumSq[ch] += weight * v * v;
            }
        }
        box.Error = 0;
        double widest = -1;
        int mean = 0;
        for (int ch = 0; ch < 3; ch++)
        {
            var m = sum[ch] / w;
            var error = Math.Max(0, sumSq[ch] - sum[ch] * m);
            box.Error += error;
            if (error > widest) (widest, box.WidestChannel) = (error, ch);
            mean |= (int)Math.Clamp(Math.Round(m), 0, 255) << (16 - 8 * ch);
        }
        box.Mean = mean;
        return box;
    }

    static void Refine(int[] colors, long[] weights, int[] palette)
    {
        var sums = new double[palette.Length, 4];
        for (int pass = 0; pass < KMeansPasses; pass++)
        {
            Array.Clear(sums);
            var search = new NearestColor(palette);
            for (int i = 0; i < colors.Length; i++)
            {
                var k = search.Find(colors[i]);
                double w = weights[i];
                for (int ch = 0; ch < 3; ch++) sums[k, ch] += w * Channel(colors[i], ch);
                sums[k, 3] += w;
            }
            for (int k = 0; k < palette.Length; k++)
            {
                if (sums[k, 3] == 0) continue; // an unused entry keeps its colour
                int mean = 0;
                for (int ch = 0; ch < 3; ch++) mean |= (int)Math.Clamp(Math.Round(sums[k, ch] / sums[k, 3]), 0, 255) << (16 - 8 * ch);
                palette[k] = mean;
            }
        }
    }
}
