namespace ModelOps.Store.Inference;

/// <summary>
/// The inference log: one table per model group (<c>inference_log_&lt;group&gt;</c>, made when the group is
/// created), appended in batches, labelled by feedback, and read as pages and outcomes. Reach it through
/// <see cref="IModelStore.InferenceLog"/>; it shares that store's connections and is as thread-safe.
/// </summary>
public interface IInferenceLogStore
{
    /// <summary>Appends rows (of any groups) in one transaction: all are stored or none.</summary>
    /// <exception cref="StoreException">A group does not exist, or the database cannot be written.</exception>
    Task AppendInferencesAsync(IReadOnlyList<InferenceRecord> records, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the label of the rows of a request (of one record when <paramref name="recordIndex"/> is given;
    /// served and shadow rows alike) and keeps the change, one entry per record, in the label history
    /// (<see cref="GetLabelHistoryAsync"/>). A record that already has a label keeps it unless
    /// <paramref name="overwrite"/> is set: nothing is changed and a conflict is thrown.
    /// </summary>
    /// <param name="group">The group.</param>
    /// <param name="requestId">The request id predict answered.</param>
    /// <param name="recordIndex">The record, or <see langword="null"/> for every record of the request.</param>
    /// <param name="label">The actual value (finite).</param>
    /// <param name="actor">Who sends the label (the hub: the token's name); <see langword="null"/> for <see cref="StoreOptions.Actor"/>.</param>
    /// <param name="overwrite">Replace labels already set (default false: a labelled record is a conflict).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many rows were labelled.</returns>
    /// <exception cref="StoreException">No such group or no row of that request (and record): not found; a record already labelled without <paramref name="overwrite"/>: conflict.</exception>
    Task<int> SetLabelAsync(string group, string requestId, int? recordIndex, double label, string? actor = null, bool overwrite = false, CancellationToken cancellationToken = default);

    /// <summary>Every label change of a request's records (also of a deleted group), oldest first.</summary>
    /// <exception cref="StoreException">An invalid group name.</exception>
    Task<IReadOnlyList<LabelChange>> GetLabelHistoryAsync(string group, string requestId, CancellationToken cancellationToken = default);

    /// <summary>A page of a group's rows matching <paramref name="query"/>, newest first.</summary>
    /// <exception cref="StoreException">No such group, or a limit outside 1 to 1000.</exception>
    Task<InferencePage> QueryInferencesAsync(string group, InferenceQuery query, CancellationToken cancellationToken = default);

    /// <summary>The rows of one request, by record index then role (served before shadow).</summary>
    /// <exception cref="StoreException">No such group.</exception>
    Task<IReadOnlyList<InferenceRow>> GetRequestAsync(string group, string requestId, CancellationToken cancellationToken = default);

    /// <summary>The outcome columns of a group's rows logged in [<paramref name="from"/>, <paramref name="to"/>), oldest first (at most <paramref name="limit"/> of them).</summary>
    /// <exception cref="StoreException">No such group.</exception>
    Task<IReadOnlyList<InferenceOutcome>> ReadOutcomesAsync(string group, DateTimeOffset? from = null, DateTimeOffset? to = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The statistics of a group's rows logged in [<paramref name="from"/>, <paramref name="to"/>) widened to whole
    /// minutes (<see cref="InferenceStatistics.Cover"/>), as cells that each lie in one report bucket of
    /// <paramref name="bucket"/>: the fewest cells that tile the window (days inside, hours and minutes at its edges),
    /// so the cost does not grow with the rows. Kept with every append and label in the same transaction.
    /// </summary>
    /// <exception cref="StoreException">No such group, or a bucket that is not a whole number of minutes (invalid).</exception>
    Task<IReadOnlyList<Core.Analytics.StatisticsCell>> ReadStatisticsAsync(string group, DateTimeOffset? from, DateTimeOffset? to, TimeSpan bucket, CancellationToken cancellationToken = default);

    /// <summary>The inference logs of deleted groups kept under the archive policy, most recently deleted first.</summary>
    Task<IReadOnlyList<InferenceArchive>> ListArchivesAsync(CancellationToken cancellationToken = default);

    /// <summary>One archive.</summary>
    /// <exception cref="StoreException">An invalid archive name; no such archive (not found, naming those that exist).</exception>
    Task<InferenceArchive> GetArchiveAsync(string archive, CancellationToken cancellationToken = default);

    /// <summary>A page of an archive's rows matching <paramref name="query"/>, newest first, as <see cref="QueryInferencesAsync"/> reads a group's.</summary>
    /// <exception cref="StoreException">An archive name that is not <c>inference_archive_&lt;id&gt;</c> or a limit outside 1 to 1000 (invalid); no such archive (not found).</exception>
    Task<InferencePage> QueryArchiveAsync(string archive, InferenceQuery query, CancellationToken cancellationToken = default);

    /// <summary>The rows of one request in an archive, ordered as <see cref="GetRequestAsync"/> orders a group's.</summary>
    /// <exception cref="StoreException">An invalid archive name; no such archive (not found).</exception>
    Task<IReadOnlyList<InferenceRow>> GetArchivedRequestAsync(string archive, string requestId, CancellationToken cancellationToken = default);
}
