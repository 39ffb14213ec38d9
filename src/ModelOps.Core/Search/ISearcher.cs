using ModelOps.Core.Data;
using ModelOps.Core.Metrics;
using ModelOps.Core.Models;
using ModelOps.Core.Splitting;

namespace ModelOps.Core.Search;

/// <summary>
/// A hyper-parameter searcher: scores every candidate by cross-validation and picks the best.
/// Create one with <see cref="Searcher.Create(SearchOptions)"/>; a searcher is immutable and may
/// run several searches, also at once.
/// </summary>
public interface ISearcher
{
    /// <summary>The stable kind name that configs use to pick this searcher (see <see cref="SearcherKinds"/>).</summary>
    string Kind { get; }

    /// <summary>The candidates, in the order they are numbered in results and progress reports.</summary>
    IReadOnlyList<ParameterSet> Candidates { get; }

    /// <summary>
    /// Runs one trial per candidate: for every fold of <paramref name="splitter"/>, an unfitted clone of
    /// <paramref name="model"/> gets the candidate's parameters, is fitted on the fold's training rows and
    /// scored with <paramref name="metric"/> on its test rows (regression values; for classification,
    /// labels for <c>accuracy</c>, <c>precision</c>, <c>recall</c> and <c>f1</c>, the probability of class 1 for
    /// every other metric). Trials run in parallel, up to <see cref="SearchOptions.MaxParallelTrials"/>; the
    /// result does not depend on their order.
    /// </summary>
    /// <param name="model">The model to tune; it is not changed (clones are fitted).</param>
    /// <param name="inputs">The input rows.</param>
    /// <param name="target">The target, one value per input row; also the labels of a splitter that needs them (stratified folds).</param>
    /// <param name="splitter">Makes the folds.</param>
    /// <param name="metric">Scores the test rows; its task must match the model's.</param>
    /// <param name="progress">
    /// Told after every trial. Calls come one at a time (never concurrently), from the threads that ran
    /// the trials; an exception it throws stops the search and is rethrown. <see cref="Progress{T}"/>
    /// posts to its captured context instead of calling at once.
    /// </param>
    /// <param name="cancellationToken">Stops the search: running fits stop, no new trial starts, and <see cref="OperationCanceledException"/> is thrown.</param>
    /// <returns>The results table, the best candidate and, with <see cref="SearchOptions.Refit"/>, the best model fitted on all rows.</returns>
    /// <exception cref="ArgumentException">
    /// Before any trial runs: the metric's task is not the model's, a parameter name is not the model's
    /// (the message lists the model's parameters), a candidate's value has the wrong type or is out of
    /// range (every problem listed), or the splitter cannot split the rows.
    /// </exception>
    /// <exception cref="TrainingDataException">Before any trial runs: the target cannot be used (another length than the inputs, nulls, NaN, not 0/1 for a classifier).</exception>
    /// <exception cref="InvalidOperationException">A trial failed; the message names the candidate and fold, the inner exception says why.</exception>
    SearchResult Run(
        IModel model,
        Frame inputs,
        Column target,
        ISplitter splitter,
        IMetric metric,
        IProgress<SearchProgress>? progress = null,
        CancellationToken cancellationToken = default);
}
