namespace ModelOps.Jobs.Datasets.Csv;

/// <summary>How a frame is written as CSV (UTF-8 without BOM, header row, invariant culture).</summary>
public sealed record CsvWriteOptions
{
    /// <summary>The field delimiter: one ASCII character other than a double quote, CR or LF.</summary>
    /// <value>Default <c>','</c>.</value>
    public char Delimiter { get; init; } = DatasetDefaults.Delimiter;

    /// <summary>The line break after each row: <c>"\n"</c> or <c>"\r\n"</c>.</summary>
    /// <value>Default <c>"\n"</c>.</value>
    public string NewLine { get; init; } = DatasetDefaults.NewLine;

    /// <summary>Throws one <see cref="ArgumentException"/> listing every invalid option.</summary>
    internal void Validate()
    {
        var problems = new List<string>();
        OptionsValidation.CheckDelimiter(problems, Delimiter);
        if (NewLine is not ("\n" or "\r\n"))
        {
            problems.Add("NewLine must be \"\\n\" or \"\\r\\n\"");
        }

        OptionsValidation.ThrowIfAny(problems, nameof(CsvWriteOptions), "options");
    }
}
