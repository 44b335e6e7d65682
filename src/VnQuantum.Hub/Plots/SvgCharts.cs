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
    public static string State(string title, IReadOnlyList<string> labels, IReadOnlyList<System.Numerics.Complex> amplitudes, string probabilityLabel = "probability |a|²")
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
        plot.YLabel(probabilityLabel);
        return Scalable(plot.GetSvgXml(760, 360), 760, 360);
    }

    /// <summary>
    /// One qubit's Bloch sphere, drawn by hand (ScottPlot has no 3-D): the sphere in an oblique view with |0⟩ at the
    /// top, the equator, the x and y axes, and the vector (shorter than the radius for a mixed qubit). The
    /// <paramref name="description"/> is its accessible name, the numbers a screen reader says.
    /// </summary>
    public static string BlochSphere(string label, (double X, double Y, double Z) vector, string description)
    {
        const double cx = 70, cy = 72, r = 50;

        // x points out of the page (down-left), y right, z up.
        static (double U, double V) Project(double x, double y, double z) => (cx + (r * (y - (0.42 * x))), cy + (r * ((0.32 * x) - z)));
        string P(double x, double y, double z)
        {
            var (u, v) = Project(x, y, z);
            return string.Create(CultureInfo.InvariantCulture, $"{u:0.#},{v:0.#}");
        }

        var equator = string.Join(' ', Enumerable.Range(0, 49).Select(i => P(Math.Cos(i * Math.PI / 24), Math.Sin(i * Math.PI / 24), 0)));
        var (tipU, tipV) = Project(vector.X, vector.Y, vector.Z);
        var (xu, xv) = Project(1.25, 0, 0);
        var (yu, yv) = Project(0, 1.22, 0);
        string Escape(string t) => System.Security.SecurityElement.Escape(t);
        return string.Create(CultureInfo.InvariantCulture, $"""
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 140 150" width="140" height="150" role="img" aria-label="{Escape(description)}">
            <circle cx="{cx}" cy="{cy}" r="{r}" fill="#f4f6fa" stroke="#5f6368" stroke-width="1"/>
            <polyline points="{equator}" fill="none" stroke="#9aa0a6" stroke-width="0.8" stroke-dasharray="3 2"/>
            <polyline points="{P(-1, 0, 0)} {P(1.25, 0, 0)}" fill="none" stroke="#9aa0a6" stroke-width="0.8"/>
            <polyline points="{P(0, -1, 0)} {P(0, 1.22, 0)}" fill="none" stroke="#9aa0a6" stroke-width="0.8"/>
            <line x1="{cx}" y1="{cy - r}" x2="{cx}" y2="{cy + r}" stroke="#9aa0a6" stroke-width="0.8"/>
            <text x="{cx}" y="{cy - r - 4}" font-size="11" text-anchor="middle" fill="#202124">|0⟩</text>
            <text x="{cx}" y="{cy + r + 12}" font-size="11" text-anchor="middle" fill="#202124">|1⟩</text>
            <text x="{xu - 6:0.#}" y="{xv + 8:0.#}" font-size="10" fill="#5f6368">x</text>
            <text x="{yu + 3:0.#}" y="{yv + 4:0.#}" font-size="10" fill="#5f6368">y</text>
            <line x1="{cx}" y1="{cy}" x2="{tipU:0.#}" y2="{tipV:0.#}" stroke="#b3261e" stroke-width="2.5" stroke-linecap="round"/>
            <circle cx="{tipU:0.#}" cy="{tipV:0.#}" r="3.5" fill="#b3261e"/>
            <text x="4" y="12" font-size="12" font-weight="600" fill="#202124">{Escape(label)}</text>
            </svg>
            """);
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
