using ModelOps.Core.Data;
using ModelOps.Core.Interop.Linux;
using ModelOps.Core.Learning;
using ModelOps.Core.Schemas;

namespace ModelOps.Core.Features;

/// <summary>
/// A fitted feature pipeline: turns input frames into the feature matrix a learner sees.
/// Its <see cref="Signature"/> (input columns and types) checks and coerces prediction inputs.
/// </summary>
public sealed class FeaturePipeline
{
    private const int TransformBlock = 2048;

    private readonly FittedStep[] _steps;
    private readonly Schema _signature;

    private FeaturePipeline(FittedStep[] steps, IReadOnlyList<InputColumn> inputs)
    {
        _steps = steps;
        Inputs = inputs;
        var names = new List<string>();
        var sources = new List<int>();
        var inputIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            inputIndex[inputs[i].Name] = i;
        }

        foreach (var step in steps)
        {
            names.AddRange(step.FeatureNames);
            foreach (var source in step.Sources)
            {
                sources.Add(inputIndex[step.Spec.Columns[source]]);
            }
        }

        FeatureNames = names;
        FeatureSources = sources;
        var signature = new ColumnSchema[inputs.Count];
        for (var i = 0; i < signature.Length; i++)
        {
            signature[i] = new ColumnSchema(inputs[i].Name, inputs[i].Type) { Nullable = true };
        }

        _signature = new Schema("model signature", signature);
    }

    /// <summary>The input schema: every input column with its training type, nullable; <see cref="Transform"/> checks frames against it.</summary>
    public Schema Signature => _signature;

    /// <summary>The input columns the pipeline reads, with the types seen in training, in first-use order.</summary>
    public IReadOnlyList<InputColumn> Inputs { get; }

    /// <summary>The output feature names, in matrix column order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>For each feature, the index into <see cref="Inputs"/> of the column it comes from (to sum attributions back to inputs).</summary>
    public IReadOnlyList<int> FeatureSources { get; }

    /// <summary>The steps with their training state.</summary>
    internal IReadOnlyList<FittedStep> Steps => _steps;

    /// <summary>Learns each step's state (categories, means, scales) from <paramref name="frame"/>.</summary>
    /// <exception cref="ArgumentException">The steps are invalid, or a column is missing or of a type its step cannot use; the message lists every problem.</exception>
    public static FeaturePipeline Fit(IReadOnlyList<FeatureStep> steps, Frame frame)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(frame);
        Validate(steps, frame);
        var fitted = new FittedStep[steps.Count];
        for (var i = 0; i < fitted.Length; i++)
        {
            fitted[i] = steps[i] switch
            {
                OneHotStep oneHot => FittedOneHot.Fit(oneHot, frame),
                StandardScaleStep scale => FittedStandardScale.Fit(scale, frame),
                PassthroughStep pass => new FittedPassthrough(pass),
                _ => throw new ArgumentException($"Unknown feature step {steps[i].Kind}.", nameof(steps)),
            };
        }

        return new FeaturePipeline(fitted, InputsOf(steps, frame));
    }

    /// <summary>Checks <paramref name="frame"/> against the signature (coercing types) and computes the features.</summary>
    /// <exception cref="SchemaException">An input column is missing or has values that do not convert to its type.</exception>
    public FeatureMatrix Transform(Frame frame)
    {
        var rows = Rows(frame);
        var stride = FeatureNames.Count;
        // Large matrices on huge pages, populated at once (HugePages): learners read them at random rows.
        var values = HugePages.Allocate<double>(rows.Count * stride);

        // Row blocks: a block of the row-major matrix stays in cache while each step writes its
        // columns into it, instead of every column striding over the whole matrix.
        var blocks = (rows.Count + TransformBlock - 1) / TransformBlock;
        void WriteBlock(int b)
        {
            var start = b * TransformBlock;
            var end = Math.Min(rows.Count, start + TransformBlock);
            rows.Write(start, end, values.AsSpan(start * stride, (end - start) * stride));
        }

        if (blocks > 1)
        {
            Parallel.For(0, blocks, WriteBlock);
        }
        else if (blocks == 1)
        {
            WriteBlock(0);
        }

        return new FeatureMatrix(values, rows.Count, FeatureNames);
    }

    /// <summary>
    /// Checks <paramref name="frame"/> against the signature and reads what every step needs, once;
    /// the result writes the feature rows of any range, so a caller can transform and use a large
    /// frame block by block without the whole matrix.
    /// </summary>
    /// <exception cref="SchemaException">The frame breaks the signature.</exception>
    internal FeatureRows Rows(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var inputs = _signature.Check(frame);
        var prepared = new StepInput[_steps.Length];
        var offsets = new int[_steps.Length];
        for (var k = 0; k < _steps.Length; k++)
        {
            prepared[k] = _steps[k].Prepare(inputs);
            offsets[k] = k == 0 ? 0 : offsets[k - 1] + _steps[k - 1].FeatureNames.Count;
        }

        return new FeatureRows(_steps, prepared, offsets, FeatureNames.Count, inputs.RowCount);
    }

    /// <summary>Rebuilds a fitted pipeline from saved state (see <c>docs/model-format.md</c>).</summary>
    internal static FeaturePipeline Restore(FittedStep[] steps, IReadOnlyList<InputColumn> inputs) => new(steps, inputs);

    /// <summary>A fitted pipeline that passes float64 columns <paramref name="names"/> through as the features (for imported models).</summary>
    internal static FeaturePipeline Passthrough(IReadOnlyList<string> names)
    {
        var inputs = new InputColumn[names.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = new InputColumn(names[i], ColumnType.Float64);
        }

        return new([new FittedPassthrough(new PassthroughStep([.. names]))], inputs);
    }

    private static void Validate(IReadOnlyList<FeatureStep> steps, Frame frame)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (steps.Count == 0)
        {
            problems.Add("the pipeline has no steps");
        }

        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            if (step.Columns.Count == 0)
            {
                problems.Add($"step {i} ({step.Kind}) lists no columns");
            }

            foreach (var name in step.Columns)
            {
                if (!seen.Add(name))
                {
                    problems.Add($"column '{name}' is used by more than one step");
                }

                if (!frame.TryGetColumn(name, out var column))
                {
                    problems.Add($"column '{name}' (step {step.Kind}) is missing from the data (it has: {string.Join(", ", frame.ColumnNames)})");
                    continue;
                }

                var numeric = column.Type is ColumnType.Float64 or ColumnType.Int64 or ColumnType.Bool;
                if (step is OneHotStep && column.Type is ColumnType.Float64 or ColumnType.DateTime)
                {
                    problems.Add($"column '{name}' is {column.Type.ToName()}; OneHot needs text, integer or boolean categories");
                }
                else if (step is not OneHotStep && !numeric)
                {
                    problems.Add($"column '{name}' is {column.Type.ToName()}; {step.Kind} needs float64, int64 or bool (use OneHot for categories)");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Feature pipeline: {string.Join("; ", problems)}.");
        }
    }

    private static List<InputColumn> InputsOf(IReadOnlyList<FeatureStep> steps, Frame frame)
    {
        var inputs = new List<InputColumn>();
        foreach (var step in steps)
        {
            foreach (var name in step.Columns)
            {
                inputs.Add(new InputColumn(name, frame[name].Type));
            }
        }

        return inputs;
    }
}

/// <summary>An input column of a model: its name and type.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The type seen in training.</param>
public sealed record InputColumn(string Name, ColumnType Type);

/// <summary>A checked frame ready to be written as feature rows, range by range (<see cref="FeaturePipeline.Rows"/>).</summary>
internal sealed class FeatureRows(FittedStep[] steps, StepInput[] prepared, int[] offsets, int stride, int count)
{
    /// <summary>The number of rows.</summary>
    public int Count => count;

    /// <summary>Writes rows <paramref name="start"/> to <paramref name="end"/> (exclusive), row-major, into <paramref name="destination"/> from its start.</summary>
    public void Write(int start, int end, Span<double> destination)
    {
        for (var k = 0; k < steps.Length; k++)
        {
            steps[k].Write(prepared[k], destination, stride, offsets[k], start, end);
        }
    }
}
