using System.Globalization;

namespace ModelOps.Jobs.Datasets;

/// <summary>
/// The 1-based line of its file that each row of a frame starts on, so that data errors found after
/// reading (a schema's rules) can name the line a person opens the file at.
/// </summary>
/// <remarks>
/// Rows and lines move in step except after a header, a blank line or a quoted field with line breaks;
/// only those steps are kept, so a file of a million one-line rows costs one entry.
/// </remarks>
internal sealed class RowLines
{
    private readonly List<(int Row, int Line)> _steps = [];
    private int _rows;

    /// <summary>Records that the next row starts on <paramref name="line"/>.</summary>
    public void Add(int line)
    {
        var row = _rows++;
        if (_steps.Count == 0 || line - row != _steps[^1].Line - _steps[^1].Row)
        {
            _steps.Add((row, line));
        }
    }

    /// <summary>The line that row <paramref name="row"/> (0-based, as recorded) starts on.</summary>
    public int LineOf(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, _rows);
        int low = 0, high = _steps.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (_steps[middle].Row <= row)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return _steps[low].Line + (row - _steps[low].Row);
    }

    /// <summary><c>line 18</c>: where row <paramref name="row"/> is, as messages name it.</summary>
    public string PlaceOf(int row) => string.Create(CultureInfo.InvariantCulture, $"line {LineOf(row)}");
}
