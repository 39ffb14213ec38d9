using System.Globalization;

namespace ModelOps.Core.Splitting;

/// <summary>
/// The size of a train or test part: a row count (an <see cref="int"/>) or a fraction of the
/// rows (a <see cref="double"/> in (0, 1)), like scikit-learn's <c>test_size</c>: <c>3</c> means
/// three rows, <c>0.25</c> a quarter of them. Converts implicitly from both.
/// </summary>
/// <remarks>
/// The C# type decides, as the Python type does in scikit-learn: <c>3.0</c> is a (invalid) fraction.
/// Beware of <c>flag ? 0.25 : 3</c>, whose type is <see cref="double"/>; use
/// <see cref="FromCount(int)"/> and <see cref="FromFraction(double)"/> there.
/// </remarks>
public readonly record struct SplitSize
{
    private SplitSize(int count, double fraction, bool isFraction)
    {
        Count = count;
        Fraction = fraction;
        IsFraction = isFraction;
    }

    /// <summary>Whether the size is a fraction of the rows rather than a row count.</summary>
    public bool IsFraction { get; }

    /// <summary>The row count; 0 when <see cref="IsFraction"/>.</summary>
    public int Count { get; }

    /// <summary>The fraction of the rows; 0 when not <see cref="IsFraction"/>.</summary>
    public double Fraction { get; }

    /// <summary>A size of <paramref name="count"/> rows (valid from 1 to the row count - 1).</summary>
    public static SplitSize FromCount(int count) => new(count, 0, isFraction: false);

    /// <summary>A size of <paramref name="fraction"/> of the rows (valid in the open range (0, 1)).</summary>
    public static SplitSize FromFraction(double fraction) => new(0, fraction, isFraction: true);

    /// <summary>A size of <paramref name="count"/> rows.</summary>
    public static implicit operator SplitSize(int count) => FromCount(count);

    /// <summary>A size of <paramref name="fraction"/> of the rows.</summary>
    public static implicit operator SplitSize(double fraction) => FromFraction(fraction);

    /// <summary>The size as written in a config: <c>3</c> or <c>0.25</c>.</summary>
    public override string ToString() => IsFraction
        ? Fraction.ToString("R", CultureInfo.InvariantCulture)
        : Count.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether the size is usable before the row count is known: a count of at least 1 or a fraction in (0, 1).</summary>
    internal bool IsValid => IsFraction ? Fraction > 0 && Fraction < 1 : Count > 0;

    /// <summary>
    /// The rows this size takes out of <paramref name="rowCount"/>: a fraction is rounded up for a
    /// test part and down for a train part, exactly as scikit-learn does (in double arithmetic, so
    /// 0.07 of 100 rows is 8 test rows, because 0.07 * 100 = 7.000000000000001).
    /// </summary>
    internal int Resolve(int rowCount, bool roundUp)
    {
        if (!IsFraction)
        {
            return Count;
        }

        var rows = Fraction * rowCount;
        return (int)(roundUp ? Math.Ceiling(rows) : Math.Floor(rows));
    }
}
