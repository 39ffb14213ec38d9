using System.Globalization;
using ModelOps.Core.Data;

namespace ModelOps.Core.Features;

/// <summary>A step with its training state: it writes its features into a row-major matrix.</summary>
internal abstract class FittedStep
{
    public abstract FeatureStep Spec { get; }

    /// <summary>The output feature names, in order.</summary>
    public abstract IReadOnlyList<string> FeatureNames { get; }

    /// <summary>For each output feature, the index (into <see cref="FeatureStep.Columns"/>) of the input column it comes from.</summary>
    public abstract IReadOnlyList<int> Sources { get; }

    /// <summary>Reads what the step needs from the frame, once: numbers as doubles, categories as codes.</summary>
    public abstract StepInput Prepare(Frame frame);

    /// <summary>Writes this step's features of rows <paramref name="rowStart"/> to <paramref name="rowEnd"/> (exclusive): <paramref name="values"/>[(row - rowStart) * stride + offset + j].</summary>
    public abstract void Write(StepInput input, Span<double> values, int stride, int offset, int rowStart, int rowEnd);

    /// <summary>The step's numeric input columns as doubles; float columns are used in place.</summary>
    private protected static StepInput Numbers(Frame frame, IReadOnlyList<string> columns)
    {
        var numbers = new ReadOnlyMemory<double>[columns.Count];
        for (var j = 0; j < numbers.Length; j++)
        {
            var column = frame[columns[j]];
            numbers[j] = column is Float64Column floats ? floats.Memory : ToDoubles(column);
        }

        return new StepInput(numbers, []);
    }

    /// <summary>Reads a numeric (or boolean) column as doubles; nulls become NaN.</summary>
    public static double[] ToDoubles(Column column)
    {
        var result = new double[column.Length];
        switch (column)
        {
            case Float64Column floats:
                floats.Values.CopyTo(result);
                break;
            case Int64Column ints:
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = ints.IsNull(i) ? double.NaN : ints[i];
                }

                break;
            case BoolColumn bools:
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = bools.IsNull(i) ? double.NaN : bools[i] ? 1.0 : 0.0;
                }

                break;
            default:
                throw new ArgumentException($"Column '{column.Name}' is {column.Type.ToName()}; numeric features need float64, int64 or bool (use OneHot for categories).");
        }

        return result;
    }
}

/// <summary>What a step read from a frame: numeric columns as doubles, or category codes (-1: none).</summary>
internal sealed record StepInput(ReadOnlyMemory<double>[] Numbers, int[][] Codes);

internal sealed class FittedPassthrough(PassthroughStep spec) : FittedStep
{
    public override FeatureStep Spec => spec;

    public override IReadOnlyList<string> FeatureNames => spec.Columns;

    public override IReadOnlyList<int> Sources { get; } = [.. Enumerable.Range(0, spec.Columns.Count)];

    public override StepInput Prepare(Frame frame) => Numbers(frame, spec.Columns);

    public override void Write(StepInput input, Span<double> values, int stride, int offset, int rowStart, int rowEnd)
    {
        for (var j = 0; j < input.Numbers.Length; j++)
        {
            var column = input.Numbers[j].Span;
            for (var r = rowStart; r < rowEnd; r++)
            {
                values[((r - rowStart) * stride) + offset + j] = column[r];
            }
        }
    }
}

internal sealed class FittedStandardScale : FittedStep
{
    private readonly StandardScaleStep _spec;

    public FittedStandardScale(StandardScaleStep spec, double[] means, double[] scales)
    {
        _spec = spec;
        Means = means;
        Scales = scales;
        Sources = [.. Enumerable.Range(0, spec.Columns.Count)];
    }

    public double[] Means { get; }

    public double[] Scales { get; }

    public override FeatureStep Spec => _spec;

    public override IReadOnlyList<string> FeatureNames => _spec.Columns;

    public override IReadOnlyList<int> Sources { get; }

    public static FittedStandardScale Fit(StandardScaleStep spec, Frame frame)
    {
        var means = new double[spec.Columns.Count];
        var scales = new double[spec.Columns.Count];
        for (var j = 0; j < means.Length; j++)
        {
            var column = ToDoubles(frame[spec.Columns[j]]);
            double sum = 0;
            var n = 0;
            foreach (var v in column)
            {
                if (!double.IsNaN(v))
                {
                    sum += v;
                    n++;
                }
            }

            var mean = n == 0 ? 0 : sum / n;
            double squares = 0;
            foreach (var v in column)
            {
                if (!double.IsNaN(v))
                {
                    squares += (v - mean) * (v - mean);
                }
            }

            var std = n == 0 ? 0 : Math.Sqrt(squares / n);
            means[j] = mean;
            scales[j] = std == 0 ? 1 : std;
        }

        return new FittedStandardScale(spec, means, scales);
    }

    public override StepInput Prepare(Frame frame) => Numbers(frame, _spec.Columns);

    public override void Write(StepInput input, Span<double> values, int stride, int offset, int rowStart, int rowEnd)
    {
        for (var j = 0; j < input.Numbers.Length; j++)
        {
            var column = input.Numbers[j].Span;
            var mean = Means[j];
            var scale = Scales[j];
            for (var r = rowStart; r < rowEnd; r++)
            {
                values[((r - rowStart) * stride) + offset + j] = (column[r] - mean) / scale;
            }
        }
    }
}

internal sealed class FittedOneHot : FittedStep
{
    private readonly OneHotStep _spec;
    private readonly string[] _names;
    private readonly int[] _sources;
    private readonly int[] _offsets;
    private readonly Dictionary<string, int>[] _lookup;

    public FittedOneHot(OneHotStep spec, string[][] categories)
    {
        _spec = spec;
        Categories = categories;
        var names = new List<string>();
        var sources = new List<int>();
        _offsets = new int[categories.Length];
        _lookup = new Dictionary<string, int>[categories.Length];
        for (var j = 0; j < categories.Length; j++)
        {
            _offsets[j] = names.Count;
            _lookup[j] = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var c = 0; c < categories[j].Length; c++)
            {
                _lookup[j][categories[j][c]] = c;
                names.Add($"{spec.Columns[j]}_{categories[j][c]}");
                sources.Add(j);
            }
        }

        _names = [.. names];
        _sources = [.. sources];
    }

    /// <summary>The sorted categories of each input column, as invariant text.</summary>
    public string[][] Categories { get; }

    public override FeatureStep Spec => _spec;

    public override IReadOnlyList<string> FeatureNames => _names;

    public override IReadOnlyList<int> Sources => _sources;

    public static FittedOneHot Fit(OneHotStep spec, Frame frame)
    {
        var categories = new string[spec.Columns.Count][];
        for (var j = 0; j < categories.Length; j++)
        {
            categories[j] = Distinct(frame[spec.Columns[j]]);
        }

        return new FittedOneHot(spec, categories);
    }

    public override StepInput Prepare(Frame frame)
    {
        var codes = new int[_spec.Columns.Count][];
        for (var j = 0; j < codes.Length; j++)
        {
            codes[j] = CodesOf(frame[_spec.Columns[j]], _lookup[j]);
        }

        return new StepInput([], codes);
    }

    public override void Write(StepInput input, Span<double> values, int stride, int offset, int rowStart, int rowEnd)
    {
        for (var j = 0; j < input.Codes.Length; j++)
        {
            var codes = input.Codes[j];
            var start = offset + _offsets[j];
            var width = Categories[j].Length;
            for (var r = rowStart; r < rowEnd; r++)
            {
                var row = ((r - rowStart) * stride) + start;
                values.Slice(row, width).Clear();
                if (codes[r] >= 0)
                {
                    values[row + codes[r]] = 1.0;
                }
            }
        }
    }

    // Per row, the index of its category, or -1 (null or unseen).
    private static int[] CodesOf(Column column, Dictionary<string, int> lookup)
    {
        var result = new int[column.Length];
        if (column is StringColumn text)
        {
            var map = new int[text.Categories.Count];
            for (var c = 0; c < map.Length; c++)
            {
                map[c] = lookup.TryGetValue(text.Categories[c], out var index) ? index : -1;
            }

            var codes = text.Codes;
            for (var r = 0; r < result.Length; r++)
            {
                result[r] = codes[r] < 0 ? -1 : map[codes[r]];
            }

            return result;
        }

        for (var r = 0; r < result.Length; r++)
        {
            var key = column.Format(r);
            result[r] = key is not null && lookup.TryGetValue(key, out var index) ? index : -1;
        }

        return result;
    }

    private static string[] Distinct(Column column)
    {
        switch (column)
        {
            case StringColumn text:
                var used = new bool[text.Categories.Count];
                foreach (var code in text.Codes)
                {
                    if (code >= 0)
                    {
                        used[code] = true;
                    }
                }

                var names = new List<string>();
                for (var c = 0; c < used.Length; c++)
                {
                    if (used[c])
                    {
                        names.Add(text.Categories[c]);
                    }
                }

                names.Sort(StringComparer.Ordinal);
                return [.. names];
            case Int64Column or BoolColumn or Float64Column:
                var numbers = new SortedSet<double>();
                var values = ToDoubles(column);
                foreach (var v in values)
                {
                    if (!double.IsNaN(v))
                    {
                        numbers.Add(v);
                    }
                }

                var result = new string[numbers.Count];
                var i = 0;
                foreach (var v in numbers)
                {
                    result[i++] = column is BoolColumn ? (v == 1 ? "true" : "false") : v.ToString("R", CultureInfo.InvariantCulture);
                }

                return result;
            default:
                throw new ArgumentException($"Column '{column.Name}' is {column.Type.ToName()}; OneHot needs text, integer or boolean categories.");
        }
    }
}
