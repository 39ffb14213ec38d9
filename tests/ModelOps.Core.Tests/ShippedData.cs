using System.Globalization;
using ModelOps.Core.Data;

namespace ModelOps.Core.Tests;

/// <summary>
/// The two shipped data sets, read with a minimal parser (Core tests cannot use the Jobs CSV
/// reader; these files have no quoted fields). Numeric-looking columns become int64 or float64.
/// </summary>
internal static class ShippedData
{
    private static readonly Lazy<Frame> BikeFrame = new(() => Read(Path.Combine("bike_sharing", "hour.csv")));
    private static readonly Lazy<Frame> CreditFrame = new(() => Read(Path.Combine("german_credit", "german_credit.csv")));

    public static Frame Bike => BikeFrame.Value;

    public static Frame Credit => CreditFrame.Value;

    /// <summary>The bike features of the quality benchmark: one-hot season and weathersit, the rest as they are.</summary>
    public static readonly string[] BikeOneHot = ["season", "weathersit"];

    public static readonly string[] BikeNumeric = ["yr", "mnth", "hr", "holiday", "weekday", "workingday", "temp", "atemp", "hum", "windspeed"];

    public static string RepoRoot { get; } = FindRoot();

    private static Frame Read(string relative)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoRoot, "data", relative));
        var header = lines[0].Split(',');
        var cells = new string[header.Length][];
        for (var j = 0; j < header.Length; j++)
        {
            cells[j] = new string[lines.Length - 1];
        }

        for (var i = 1; i < lines.Length; i++)
        {
            var parts = lines[i].Split(',');
            for (var j = 0; j < header.Length; j++)
            {
                cells[j][i - 1] = parts[j];
            }
        }

        var columns = new List<Column>();
        for (var j = 0; j < header.Length; j++)
        {
            var values = cells[j];
            if (Array.TrueForAll(values, v => long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
            {
                columns.Add(new Int64Column(header[j], Array.ConvertAll(values, v => long.Parse(v, CultureInfo.InvariantCulture))));
            }
            else if (Array.TrueForAll(values, v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            {
                columns.Add(new Float64Column(header[j], Array.ConvertAll(values, v => double.Parse(v, CultureInfo.InvariantCulture))));
            }
            else
            {
                columns.Add(new StringColumn(header[j], values));
            }
        }

        return new Frame(columns);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelOps.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ModelOps.slnx above {AppContext.BaseDirectory}.");
    }
}
