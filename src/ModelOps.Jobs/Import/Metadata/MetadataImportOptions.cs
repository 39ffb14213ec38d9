using System.ComponentModel.DataAnnotations;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>Options of <see cref="MetadataImport.ProposeAsync"/>; every one has a working default.</summary>
public sealed record MetadataImportOptions
{
    /// <summary>How many times the LLM is asked again after an answer that is not a spec or a spec whose result has problems or validation errors.</summary>
    /// <value>Default 3 (so at most 4 requests).</value>
    [Range(0, 10)]
    public int MaxRetries { get; init; } = MetadataImportDefaults.MaxRetries;

    /// <summary>How many items of each array the LLM sees in the source sample (the rest is counted, not shown).</summary>
    /// <value>Default 3.</value>
    [Range(1, 100)]
    public int SampleArrayItems { get; init; } = MetadataImportDefaults.SampleArrayItems;

    /// <summary>How many characters of each string the LLM sees in the source sample.</summary>
    /// <value>Default 200.</value>
    [Range(20, 100_000)]
    public int SampleStringLength { get; init; } = MetadataImportDefaults.SampleStringLength;

    /// <summary>The most characters of the source sample in the prompt; the sample shows fewer items, shorter strings and fewer levels until it fits.</summary>
    /// <value>Default 24,000 (about 6,000 tokens).</value>
    [Range(1_000, 1_000_000)]
    public int SampleMaxChars { get; init; } = MetadataImportDefaults.SampleMaxChars;

    /// <summary>Checks every option once.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message lists every problem with the option's name.</exception>
    public void Validate()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ArgumentException($"Invalid metadata import options: {string.Join(" ", results.Select(r => r.ErrorMessage))}");
        }
    }
}

/// <summary>The defaults of <see cref="MetadataImportOptions"/>, in one place.</summary>
internal static class MetadataImportDefaults
{
    /// <summary>3: enough for a model to fix what the validator names, few enough to bound the cost of one that cannot.</summary>
    public const int MaxRetries = 3;

    /// <summary>3: a model sees an array's shape from a few items; a 100,000-point curve would drown the prompt.</summary>
    public const int SampleArrayItems = 3;

    /// <summary>200 characters: enough to see what a value is (a delimited feature list's delimiter, a date's format).</summary>
    public const int SampleStringLength = 200;

    /// <summary>24,000 characters, about 6,000 tokens: the sample stays a minor part of a small model's context with the schema beside it.</summary>
    public const int SampleMaxChars = 24_000;
}
