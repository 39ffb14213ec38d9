using System.Diagnostics;
using System.Runtime.ExceptionServices;
using ModelOps.Core.Data;
using ModelOps.Core.Metrics;
using ModelOps.Core.Models;
using ModelOps.Core.Splitting;

namespace ModelOps.Core.Search;

/// <summary>
/// Cross-validates a fixed list of candidates: the searcher behind every <see cref="SearchOptions"/>
/// kind, which differ only in how they make the candidates.
/// </summary>
internal sealed class CandidateSearcher(string kind, IReadOnlyList<ParameterSet> candidates, int maxParallelTrials, bool refit) : ISearcher
{
    /// <inheritdoc/>
    public string Kind { get; } = kind;

    /// <inheritdoc/>
    public IReadOnlyList<ParameterSet> Candidates { get; } = candidates;

    /// <inheritdoc/>
    public SearchResult Run(
        IModel model,
        Frame inputs,
        Column target,
        ISplitter splitter,
        IMetric metric,
        IProgress<SearchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(splitter);
        ArgumentNullException.ThrowIfNull(metric);

        CandidateChecks.CheckTask(model, metric);
        CandidateChecks.CheckCandidates(Kind, model, Candidates);
        var actual = TargetValues.Read(target, inputs.RowCount, model.Task);
        var folds = splitter.Split(inputs.RowCount, splitter.RequiresLabels ? actual : default);
        var data = FoldData.Prepare(folds, inputs, target, actual);

        var trials = RunTrials(model, data, metric, progress, cancellationToken);
        var means = Array.ConvertAll(trials, t => t.MeanScore);
        var best = TrialRanking.BestIndex(means, metric.GreaterIsBetter);
        var ranks = TrialRanking.Ranks(means, metric.GreaterIsBetter);
        var rows = new SearchTrial[trials.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = trials[i] with { Rank = ranks[i] };
        }

        IModel? bestModel = null;
        var refitSeconds = 0.0;
        if (refit)
        {
            var start = Stopwatch.GetTimestamp();
            bestModel = CandidateChecks.WithParameters(model, Candidates[best]);
            bestModel.Fit(inputs, target, cancellationToken);
            refitSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        return new SearchResult
        {
            Kind = Kind,
            Metric = metric.Name,
            GreaterIsBetter = metric.GreaterIsBetter,
            FoldCount = data.Length,
            Trials = rows,
            BestIndex = best,
            BestModel = bestModel,
            RefitSeconds = refitSeconds,
        };
    }

    private SearchTrial[] RunTrials(IModel model, FoldData[] data, IMetric metric, IProgress<SearchProgress>? progress, CancellationToken cancellationToken)
    {
        var count = Candidates.Count;
        var trials = new SearchTrial[count];
        var failures = new Exception?[count];
        ExceptionDispatchInfo? progressFailure = null;
        var gate = new Lock();
        var completed = 0;
        var bestIndex = -1;
        var bestScore = double.NaN;

        // One failed trial (or a failing progress callback) stops the others through this token.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        void RunOne(int index)
        {
            if (stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                trials[index] = RunTrial(model, index, data, metric, stop.Token);
            }
            catch (Exception error)
            {
                failures[index] = error;
                stop.Cancel();
                return;
            }

            lock (gate)
            {
                completed++;
                var score = trials[index].MeanScore;
                if (TrialRanking.Beats(score, index, bestScore, bestIndex, metric.GreaterIsBetter))
                {
                    bestIndex = index;
                    bestScore = score;
                }

                try
                {
                    progress?.Report(new SearchProgress
                    {
                        CompletedTrials = completed,
                        TotalTrials = count,
                        CandidateIndex = index,
                        Parameters = Candidates[index],
                        Score = score,
                        BestScore = bestScore,
                        BestCandidateIndex = bestIndex,
                        BestParameters = Candidates[bestIndex],
                    });
                }
                catch (Exception error)
                {
                    progressFailure ??= ExceptionDispatchInfo.Capture(error);
                    stop.Cancel();
                }
            }
        }

        var workers = Math.Min(maxParallelTrials, count);
        if (workers <= 1)
        {
            for (var i = 0; i < count; i++)
            {
                RunOne(i);
            }
        }
        else
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = workers }, RunOne);
        }

        cancellationToken.ThrowIfCancellationRequested();
        progressFailure?.Throw();
        ThrowFirstFailure(failures);
        return trials;
    }

    /// <summary>Evaluates candidate <paramref name="index"/> on every fold, in fold order.</summary>
    private SearchTrial RunTrial(IModel model, int index, FoldData[] data, IMetric metric, CancellationToken cancellationToken)
    {
        var parameters = Candidates[index];
        var scores = new double[data.Length];
        var seconds = new double[data.Length];
        for (var f = 0; f < data.Length; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fold = data[f];
            try
            {
                var candidate = CandidateChecks.WithParameters(model, parameters);
                var start = Stopwatch.GetTimestamp();
                candidate.Fit(fold.TrainInputs, fold.TrainTarget, cancellationToken);
                seconds[f] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                scores[f] = metric.Score(fold.TestActual, ScoreInput.Predict(candidate, metric, fold.TestInputs));
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                throw new InvalidOperationException(
                    $"{Kind} trial of candidate {index} ({parameters}) failed on fold {f}: {error.Message}", error);
            }
        }

        // As scikit-learn: np.average over the folds, then the square root of the mean squared deviation.
        var mean = NumpySum.Sum(scores) / scores.Length;
        var squares = new double[scores.Length];
        for (var i = 0; i < squares.Length; i++)
        {
            var d = scores[i] - mean;
            squares[i] = d * d;
        }

        return new SearchTrial
        {
            CandidateIndex = index,
            Parameters = parameters,
            FoldScores = scores,
            MeanScore = mean,
            StdScore = Math.Sqrt(NumpySum.Sum(squares) / squares.Length),
            FoldFitSeconds = seconds,
            MeanFitSeconds = NumpySum.Sum(seconds) / seconds.Length,
            Rank = 0,
        };
    }

    /// <summary>Rethrows the failure of the earliest candidate, preferring a real failure to the cancellations it caused in other trials.</summary>
    private static void ThrowFirstFailure(Exception?[] failures)
    {
        Exception? cancelled = null;
        foreach (var failure in failures)
        {
            if (failure is OperationCanceledException)
            {
                cancelled ??= failure;
            }
            else if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }

        if (cancelled is not null)
        {
            ExceptionDispatchInfo.Throw(cancelled);
        }
    }

    /// <summary>One fold's rows, taken once and shared (read-only) by every trial.</summary>
    private sealed record FoldData(Frame TrainInputs, Column TrainTarget, Frame TestInputs, double[] TestActual)
    {
        public static FoldData[] Prepare(IReadOnlyList<Fold> folds, Frame inputs, Column target, double[] actual)
        {
            var data = new FoldData[folds.Count];
            for (var f = 0; f < data.Length; f++)
            {
                var train = folds[f].Train.Span;
                var test = folds[f].Test.Span;
                var testActual = new double[test.Length];
                for (var i = 0; i < test.Length; i++)
                {
                    testActual[i] = actual[test[i]];
                }

                data[f] = new FoldData(inputs.Take(train), target.Take(train), inputs.Take(test), testActual);
            }

            return data;
        }
    }
}
