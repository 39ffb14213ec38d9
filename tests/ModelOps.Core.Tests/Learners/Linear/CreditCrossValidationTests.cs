using ModelOps.Core.Learners.Linear;
using ModelOps.Core.Metrics;
using ModelOps.Core.Models;
using ModelOps.Core.Splitting;
using Xunit.Abstractions;

namespace ModelOps.Core.Tests.Learners.Linear;

/// <summary>
/// Quality check on German credit: 5-fold unshuffled StratifiedKFold ROC AUC of LogisticRegression
/// (defaults) with the feature pipeline fitted on each training fold, against scikit-learn's.
/// </summary>
public sealed class CreditCrossValidationTests(ITestOutputHelper output)
{
    [Fact]
    public void CrossValidate_CreditLogisticRegression_RocAucWithinHalfAPointOfSklearn()
    {
        var credit = LinearFixture.Credit;
        var frame = CreditData.Frame;
        var labels = ToDoubles(frame[credit.Target]);
        var folds = Splitter.Create(new StratifiedKFoldOptions { NSplits = credit.Cv.NSplits }).Split(frame.RowCount, labels);
        var auc = MetricCatalog.Get("roc_auc");

        var scores = new double[folds.Count];
        for (var f = 0; f < folds.Count; f++)
        {
            var train = frame.Take(folds[f].Train.Span);
            var test = frame.Take(folds[f].Test.Span);
            var model = new Model(CreditData.Steps(credit), new LogisticRegressionOptions());
            model.Fit(train, train[credit.Target]);
            scores[f] = auc.Score(ToDoubles(test[credit.Target]), model.PredictProbability(test));
        }

        var mean = Mean(scores);
        output.WriteLine($"ours: folds {string.Join(", ", Array.ConvertAll(scores, s => s.ToString("F6")))}, mean {mean:F6}");
        output.WriteLine($"sklearn LogisticRegression(): folds {string.Join(", ", Array.ConvertAll(credit.Cv.FoldRocAuc, s => s.ToString("F6")))}, mean {credit.Cv.MeanRocAuc:F6}");
        Assert.InRange(mean - credit.Cv.MeanRocAuc, -0.005, 0.005);

        // Both solvers reach the same optimum here, so each fold's ranking, and its AUC, is the same.
        for (var f = 0; f < folds.Count; f++)
        {
            Assert.Equal(credit.Cv.ExactFoldRocAuc[f], scores[f], 1e-12);
        }
    }

    private static double[] ToDoubles(Core.Data.Column column)
    {
        var ints = Assert.IsType<Core.Data.Int64Column>(column);
        var values = new double[ints.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ints[i];
        }

        return values;
    }

    private static double Mean(double[] values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }
}
