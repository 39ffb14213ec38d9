using System.Globalization;
using ModelOps.Core.Data;
using ModelOps.Core.Features;

namespace ModelOps.Core.Tests.Learners.Linear;

/// <summary>
/// The German credit data (data/german_credit/german_credit.csv, copied next to the tests): a plain
/// comma-separated file without quotes, text columns as strings, the rest as integers.
/// </summary>
public static class CreditData
{
    private static readonly Lazy<Frame> Loaded = new(Load);

    public static Frame Frame => Loaded.Value;

    /// <summary>The pipeline of the fixture: one-hot of the text columns, then standard scaling of the numeric ones.</summary>
    public static FeatureStep[] Steps(CreditReference credit) =>
        [new OneHotStep(credit.Categorical), new StandardScaleStep(credit.Numeric)];

    private static Frame Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "data", "german_credit", "german_credit.csv");
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var cells = new string[header.Length][];
        for (var c = 0; c < header.Length; c++)
        {
            cells[c] = new string[lines.Length - 1];
        }

        for (var r = 1; r < lines.Length; r++)
        {
            var fields = lines[r].Split(',');
            Assert.Equal(header.Length, fields.Length);
            for (var c = 0; c < fields.Length; c++)
            {
                cells[c][r - 1] = fields[c];
            }
        }

        var columns = new Column[header.Length];
        for (var c = 0; c < header.Length; c++)
        {
            columns[c] = IsInteger(cells[c])
                ? new Int64Column(header[c], Array.ConvertAll(cells[c], v => long.Parse(v, CultureInfo.InvariantCulture)))
                : new StringColumn(header[c], cells[c]);
        }

        return new Frame(columns);
    }

    private static bool IsInteger(string[] values) => Array.TrueForAll(values, v => long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
}
