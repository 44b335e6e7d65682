using System.Globalization;
using ScottPlot;

namespace VnQuantum.Cli.Commands;

/// <summary>What every plot of the CLI shares: log-scale axes (values are plotted as log10) and saving as PNG or SVG.</summary>
internal static class PlotFiles
{
    /// <summary>Ticks for an axis whose data are log10 of the values: labels show the values, minor ticks the decades' steps.</summary>
    public static ScottPlot.TickGenerators.NumericAutomatic LogTicks(bool decadesOnly = false) => new()
    {
        IntegerTicksOnly = decadesOnly,
        LabelFormatter = v => decadesOnly ? $"1e{v:0}" : Math.Pow(10, v).ToString("G2", CultureInfo.InvariantCulture),
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
    };

    /// <summary>Saves as SVG when the name ends in .svg, else PNG, at 900×600.</summary>
    public static void Save(Plot plot, string path)
    {
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
        {
            plot.SaveSvg(path, 900, 600);
        }
        else
        {
            plot.SavePng(path, 900, 600);
        }
    }
}
