using System.Text.Json;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Tests.Learners.Linear;

/// <summary>
/// One fitted model of tests/fixtures/linear/linear.json (written by generate_linear.py with
/// scikit-learn 1.2.1): a small data set with its fit, or one of the credit fits (no data, first
/// predictions only).
/// </summary>
public sealed record LinearReference(
    string? Name,
    string? Learner,
    Dictionary<string, JsonElement>? Params,
    double[][]? X,
    double[]? Y,
    double[] Coef,
    double Intercept,
    double[] Predictions,
    double? Rss,
    bool? SklearnIsMinNorm,
    LinearReference? MinNorm,
    int? Rank,
    int? SklearnRank,
    double[]? Probabilities,
    double? MaxGradient,
    LbfgsGap? Lbfgs,
    double? Alpha,
    double? C)
{
    /// <summary>
    /// What our fit must equal: scikit-learn's, except for LinearRegression on rank-deficient data,
    /// where scikit-learn's lstsq keeps rounding-noise singular values and the minimum-norm answer is
    /// the reference (see generate_linear.py).
    /// </summary>
    public LinearReference Expected => SklearnIsMinNorm == false ? MinNorm! : this;

    public bool FitIntercept => Params is null || Params["fit_intercept"].GetBoolean();

    public double Param(string name) => Params![name].GetDouble();

    public FeatureMatrix Features()
    {
        var rows = X!.Length;
        var columns = rows == 0 ? 0 : X[0].Length;
        var values = new double[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            X[r].CopyTo(values, r * columns);
        }

        var names = new string[columns];
        for (var j = 0; j < columns; j++)
        {
            names[j] = $"x{j}";
        }

        return new FeatureMatrix(values, rows, names);
    }

    public override string ToString() => Name ?? Learner ?? "credit";
}

/// <summary>How far scikit-learn's default lbfgs solver stops from the optimum (for the report, not asserted).</summary>
public sealed record LbfgsGap(int NIter, double MaxGradient, double MaxAbsCoefDiff);

/// <summary>The credit fits and the cross-validated ROC AUC of scikit-learn's LogisticRegression.</summary>
public sealed record CreditReference(
    string Target,
    string[] Categorical,
    string[] Numeric,
    string[] FeatureNames,
    int Rows,
    int Head,
    LinearReference LinearRegression,
    LinearReference[] Ridge,
    LinearReference[] Logistic,
    CreditCrossValidation Cv);

/// <summary>5-fold unshuffled StratifiedKFold ROC AUC: default lbfgs, and the exact optimum.</summary>
public sealed record CreditCrossValidation(int NSplits, double[] FoldRocAuc, double MeanRocAuc, double[] ExactFoldRocAuc, double ExactMeanRocAuc);

/// <summary>Loads the fixture once per test run.</summary>
public static class LinearFixture
{
    private static readonly Lazy<Document> Loaded = new(Load);

    public static string SklearnVersion => Loaded.Value.SklearnVersion;

    public static CreditReference Credit => Loaded.Value.Credit;

    public static LinearReference Get(string name)
    {
        foreach (var c in Loaded.Value.Regression)
        {
            if (c.Name == name)
            {
                return c;
            }
        }

        foreach (var c in Loaded.Value.Classification)
        {
            if (c.Name == name)
            {
                return c;
            }
        }

        throw new KeyNotFoundException($"No case {name} in linear.json.");
    }

    public static TheoryData<string> RegressionCases() => Names(Loaded.Value.Regression);

    public static TheoryData<string> ClassificationCases() => Names(Loaded.Value.Classification);

    private static TheoryData<string> Names(LinearReference[] cases)
    {
        var data = new TheoryData<string>();
        foreach (var c in cases)
        {
            data.Add(c.Name!);
        }

        return data;
    }

    private static Document Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "linear", "linear.json");
        using var stream = File.OpenRead(path);
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true };
        return JsonSerializer.Deserialize<Document>(stream, options) ?? throw new InvalidOperationException($"{path} is empty.");
    }

    private sealed record Document(string SklearnVersion, LinearReference[] Regression, LinearReference[] Classification, CreditReference Credit);
}
