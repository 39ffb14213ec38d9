using System.Globalization;

namespace ModelOps.Jobs.Datasets.Parquet;

/// <summary>
/// Where each row of a frame read from Parquet is: its row in the file and the file's row group (and, for a data set
/// of several part files, the file), so that data errors found after reading (a schema's rules) name the row group
/// a person inspects with <c>parquet-tools</c>, pyarrow or DuckDB.
/// </summary>
/// <remarks>One entry per row group read.</remarks>
internal sealed class ParquetRowPlaces
{
    private readonly List<Group> _groups = [];
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);

    /// <summary>Records that the next <paramref name="rows"/> frame rows are rows of <paramref name="file"/>'s row group <paramref name="group"/>, from the file's row <paramref name="firstRowInFile"/> on.</summary>
    public void Add(string file, int group, long firstRowInFile, int rows)
    {
        var firstRow = _groups.Count == 0 ? 0 : _groups[^1].FirstRow + _groups[^1].Rows;
        _groups.Add(new Group(firstRow, rows, file, group, firstRowInFile));
        _files.Add(file);
    }

    /// <summary><c>row 17 (row group 0)</c>, or with several files <c>row 17 of part-1.parquet (row group 0)</c>: the 0-based row in its file.</summary>
    public string PlaceOf(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        int low = 0, high = _groups.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (_groups[middle].FirstRow <= row)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        var found = _groups.Count > 0 ? _groups[low] : null;
        if (found is null || row >= found.FirstRow + found.Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, "The row was not read.");
        }

        var inFile = found.FirstRowInFile + (row - found.FirstRow);
        var file = _files.Count > 1 ? " of " + Path.GetFileName(found.File) : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"row {inFile}{file} (row group {found.Index})");
    }

    private sealed record Group(int FirstRow, int Rows, string File, int Index, long FirstRowInFile);
}
