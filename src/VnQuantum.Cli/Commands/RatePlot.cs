using ScottPlot;

namespace VnQuantum.Cli.Commands;

/// <summary>Key rate against distance on a log scale, with the PLOB bound, as PNG or SVG.</summary>
internal static class RatePlot
{
    public static void Write(string path, string protocol, IReadOnlyList<(double Km, double Rate, double Plob)> points)
    {
        var plot = new Plot();
        var positive = points.Where(p => p.Rate > 0).ToList();
        if (positive.Count > 0)
        {
            var rate = plot.Add.Scatter(positive.Select(p => p.Km).ToArray(), positive.Select(p => Math.Log10(p.Rate)).ToArray());
            rate.LegendText = protocol;
            rate.LineWidth = 2;
        }

        // PLOB is infinite at zero loss; draw it where it is finite.
        var bound = points.Where(p => double.IsFinite(p.Plob) && p.Plob > 0).ToList();
        var plob = plot.Add.Scatter(bound.Select(p => p.Km).ToArray(), bound.Select(p => Math.Log10(p.Plob)).ToArray());
        plob.LegendText = "PLOB −log₂(1−η)";
        plob.LinePattern = LinePattern.Dashed;
        plob.LineWidth = 2;
        plob.MarkerSize = 0;

        plot.Axes.Left.TickGenerator = PlotFiles.LogTicks(decadesOnly: true);
        plot.XLabel("distance (km)");
        plot.YLabel("secret key rate (bits per pulse)");
        plot.Title($"{protocol}: key rate and the repeaterless bound");
        plot.ShowLegend(Alignment.UpperRight);

        PlotFiles.Save(plot, path);
    }
}
