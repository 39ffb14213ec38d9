using System.Globalization;
using ModelOps.Core.Data;
using ModelOps.Jobs.DataChecks;
using Spectre.Console;

namespace ModelOps.Cli.Rendering;

/// <summary>Shows a <see cref="DataCheckResult"/> as a line and a table of column summaries.</summary>
internal static class DataCheckView
{
    public static void Render(IAnsiConsole console, DataCheckResult result)
    {
        console.MarkupLineInterpolated(
            $"{result.Path}: {result.Rows:N0} rows x {result.Columns.Count} columns, read in {result.ReadTime.TotalMilliseconds:F0} ms; [green]passed[/] {string.Join(", ", result.Schemas)}");
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("column", "type", "nulls", "distinct", "min", "max", "mean", "top values");
        foreach (var column in result.Columns)
        {
            table.AddRow(
                Markup.Escape(column.Name),
                column.Type.ToName(),
                column.Nulls.ToString(CultureInfo.InvariantCulture),
                column.Distinct.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(column.Minimum ?? string.Empty),
                Markup.Escape(column.Maximum ?? string.Empty),
                column.Mean is { } mean ? mean.ToString("G4", CultureInfo.InvariantCulture) : string.Empty,
                Markup.Escape(string.Join(", ", column.Top.Select(t => $"{t.Value} ({t.Count})"))));
        }

        console.Write(table);
    }
}
