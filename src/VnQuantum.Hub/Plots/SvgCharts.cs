using System.Globalization;
using ScottPlot;

namespace VnQuantum.Hub.Plots;

/// <summary>Charts for the tool pages as inline SVG (ScottPlot), so a page needs no script to show them.</summary>
public static class SvgCharts
{
    /// <summary>Lines on log–log or lin–log axes; values ≤ 0 or infinite (PLOB at 0 km) are left out of a log axis.</summary>
    public static string Lines(string title, string xLabel, string yLabel, IEnumerable<(string Label, double[] X, double[] Y, bool Dashed)> series, bool logX)
    {
        var plot = new Plot();
        foreach (var (label, xs, ys, dashed) in series)
        {
            var points = xs.Zip(ys).Where(p => p.Second > 0 && double.IsFinite(p.Second) && (!logX || p.First > 0)).ToArray();
            var line = plot.Add.Scatter(
                points.Select(p => logX ? Math.Log10(p.First) : p.First).ToArray(),
                points.Select(p => Math.Log10(p.Second)).ToArray());
            line.LegendText = label;
            line.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
            line.LineWidth = 2;
            line.MarkerSize = 0;
        }

        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => Math.Pow(10, v).ToString("G2", CultureInfo.InvariantCulture),
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        };
        plot.Axes.Left.TickGenerator = ticks;
        if (logX)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                LabelFormatter = v => Math.Pow(10, v).ToString("G2", CultureInfo.InvariantCulture),
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            };
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        return Scalable(plot.GetSvgXml(760, 420), 760, 420);
    }

    /// <summary>The most bars a histogram draws: the commonest outcomes, then one bar for all the others.</summary>
    public const int MaxBars = 32;

    /// <summary>
    /// A histogram of measurement counts: every outcome in key order when there are at most <see cref="MaxBars"/>,
    /// else the commonest <see cref="MaxBars"/> − 1 and one bar, <paramref name="otherLabel"/>, for the rest (a
    /// 20-qubit QFT once drew 1,024 merged bars on a page of 856 KB). The labels come in the page's language.
    /// </summary>
    public static string Histogram(string title, IReadOnlyDictionary<string, int> counts, string countsLabel, string otherLabel)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var (shown, other, _) = Outcomes.Top(counts, MaxBars);
        var labels = shown.Select(o => o.Key).ToList();
        var values = shown.Select(o => (double)o.Count).ToList();
        if (other > 0)
        {
            labels.Add(otherLabel);
            values.Add(other);
        }

        var plot = new Plot();
        var bars = plot.Add.Bars(values.ToArray());
        bars.Color = Color.FromHex("#b3261e");
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray(), [.. labels]);
        if (labels.Count > 8 || labels.Any(l => l.Length > 6))
        {
            // Upright labels of many or long outcomes run into each other.
            plot.Axes.Bottom.TickLabelStyle.Rotation = -90;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 14 + (7 * labels.Max(l => l.Length));
        }

        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(countsLabel);
        return Scalable(plot.GetSvgXml(760, 360), 760, 360);
    }

    /// <summary>
    /// A state's amplitudes as bars: height the probability |a|², colour the phase arg a (hue round the colour wheel,
    /// red at 0), the usual picture of a small state vector.
    /// </summary>
    public static string State(string title, IReadOnlyList<string> labels, IReadOnlyList<System.Numerics.Complex> amplitudes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(amplitudes);
        var plot = new Plot();
        var bars = amplitudes.Select((a, i) => new Bar
        {
            Position = i,
            Value = a.Magnitude * a.Magnitude,
            FillColor = Color.FromHSL((float)(((a.Phase / (2 * Math.PI)) + 1) % 1), 0.75f, 0.45f),
            LineWidth = 0,
        }).ToArray();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray(), [.. labels]);
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsY(0, 1.05);
        plot.Title(title);
        plot.YLabel("probability |a|²");
        return Scalable(plot.GetSvgXml(760, 360), 760, 360);
    }

    /// <summary>
    /// Gives an SVG a view box of its drawing size, so that with the style sheet's <c>max-width: 100%; height: auto</c>
    /// it scales down to a phone's width instead of being cropped (ScottPlot writes a width and height only).
    /// </summary>
    internal static string Scalable(string svg, int width, int height)
    {
        int open = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (open < 0)
        {
            return svg;
        }

        int close = svg.IndexOf('>', open);
        if (close < 0 || svg.AsSpan(open, close - open).Contains("viewBox", StringComparison.Ordinal))
        {
            return svg;
        }

        return svg.Insert(open + 4, string.Create(CultureInfo.InvariantCulture, $" viewBox=\"0 0 {width} {height}\""));
    }
}
