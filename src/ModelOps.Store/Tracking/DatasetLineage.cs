namespace ModelOps.Store.Tracking;

/// <summary>A data set a run read: where from, what it held and its fingerprint.</summary>
/// <param name="Name">The data set name, such as <c>inputs</c> or <c>targets</c>.</param>
/// <param name="Context">What it was used for: <c>training</c>, <c>tuning</c>, <c>evaluation</c>, <c>inference</c>.</param>
/// <param name="SourceUri">Where it was read from (a file path or URI), or <see langword="null"/> for data made in memory.</param>
/// <param name="Digest">A content digest, such as <c>sha256:</c> followed by hex digits.</param>
/// <param name="RowCount">The number of rows.</param>
/// <param name="ColumnCount">The number of columns.</param>
/// <param name="Columns">Each column's name and type, in order (its schema).</param>
public sealed record DatasetLineage(
    string Name,
    string Context,
    string? SourceUri,
    string Digest,
    long RowCount,
    int ColumnCount,
    IReadOnlyList<DatasetColumn> Columns);

/// <summary>One column of a logged data set.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The type name: <c>float64</c>, <c>int64</c>, <c>bool</c>, <c>string</c> or <c>datetime</c>.</param>
public sealed record DatasetColumn(string Name, string Type);

/// <summary>Builds <see cref="DatasetLineage"/> records.</summary>
public static class DatasetLineages
{
    /// <summary>The lineage of <paramref name="frame"/>: its row and column counts and schema.</summary>
    public static DatasetLineage FromFrame(string name, string context, string? sourceUri, string digest, ModelOps.Core.Data.Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var columns = new DatasetColumn[frame.ColumnCount];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = new DatasetColumn(frame[i].Name, ModelOps.Core.Data.ColumnTypeNames.ToName(frame[i].Type));
        }

        return new DatasetLineage(name, context, sourceUri, digest, frame.RowCount, frame.ColumnCount, columns);
    }
}
