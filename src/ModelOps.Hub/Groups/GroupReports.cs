using System.Globalization;
using ModelOps.Core.Analytics;
using ModelOps.Hub.Errors;
using ModelOps.Hub.Routing;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;

namespace ModelOps.Hub.Groups;

/// <summary>
/// The comparative analytics of a group, as the API, the web UI and the guardrails read them: from the group's
/// inference statistics (<see cref="GroupAnalytics.FromStatistics"/>: a bounded number of cells, whatever the rows), or
/// exactly from the rows of a window (<see cref="GroupAnalytics.Compute"/>, at most <see cref="HubOptions.MaxExactAnalyticsRows"/>).
/// The group's current Champion is the report's champion and decides the task.
/// </summary>
internal sealed class GroupReports(IGroupStore groups, IInferenceLogStore log, ModelCache models, HubOptions options)
{
    /// <summary>The report of <paramref name="group"/>'s rows logged in [from, to) (either open), from its statistics.</summary>
    /// <param name="group">The group.</param>
    /// <param name="from">The window's start, widened to a whole minute; <see langword="null"/> for the first row.</param>
    /// <param name="to">The window's end, widened to a whole minute; <see langword="null"/> for the last row.</param>
    /// <param name="bucket">The time buckets' size: a whole number of minutes.</param>
    /// <param name="confidence">The intervals' and the verdicts' confidence.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ModelOps.Store.StoreException">No such group, or a bucket that is not a whole number of minutes.</exception>
    public async Task<GroupAnalyticsReport> ServedAsync(ModelGroup group, DateTimeOffset? from, DateTimeOffset? to, TimeSpan bucket, double confidence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var (task, analytics) = await OptionsAsync(group, bucket, confidence, cancellationToken).ConfigureAwait(false);
        var cells = await log.ReadStatisticsAsync(group.Name, from, to, bucket, cancellationToken).ConfigureAwait(false);
        return GroupAnalytics.FromStatistics(cells, task, analytics);
    }

    /// <inheritdoc cref="ServedAsync(ModelGroup, DateTimeOffset?, DateTimeOffset?, TimeSpan, double, CancellationToken)"/>
    public async Task<GroupAnalyticsReport> ServedAsync(string group, DateTimeOffset? from, DateTimeOffset? to, TimeSpan bucket, double confidence, CancellationToken cancellationToken)
    {
        GroupNames.Validate(group);
        return await ServedAsync(await groups.GetGroupAsync(group, cancellationToken).ConfigureAwait(false), from, to, bucket, confidence, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The report computed from the rows logged in [from, to) themselves.</summary>
    /// <exception cref="HubException">400: the window holds more than <see cref="HubOptions.MaxExactAnalyticsRows"/> rows.</exception>
    /// <exception cref="ModelOps.Store.StoreException">No such group.</exception>
    public async Task<GroupAnalyticsReport> ExactAsync(string group, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, double confidence, CancellationToken cancellationToken)
    {
        GroupNames.Validate(group);
        var current = await groups.GetGroupAsync(group, cancellationToken).ConfigureAwait(false);
        var (task, analytics) = await OptionsAsync(current, bucket, confidence, cancellationToken).ConfigureAwait(false);
        var most = options.MaxExactAnalyticsRows;
        var outcomes = await log.ReadOutcomesAsync(group, from, to, most + 1, cancellationToken).ConfigureAwait(false);
        if (outcomes.Count > most)
        {
            throw HubException.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"the window {from:O} to {to:O} holds more than {most:N0} rows, the most an exact report reads (MaxExactAnalyticsRows); narrow the window, or leave out exact=true for the report from the statistics"));
        }

        return GroupAnalytics.Compute([.. outcomes.Select(o => o.ToScoredRow())], task, analytics);
    }

    private async Task<(Core.Learning.ModelTask Task, AnalyticsOptions Options)> OptionsAsync(ModelGroup group, TimeSpan bucket, double confidence, CancellationToken cancellationToken)
    {
        var champion = group.Champion;
        var model = (await models.GetAsync(champion.Model, champion.Version, cancellationToken).ConfigureAwait(false)).Model;
        return (model.Task, new AnalyticsOptions
        {
            ChampionModel = champion.Model,
            ChampionVersion = champion.Version,
            BucketSize = bucket,
            Confidence = confidence,
        });
    }
}
