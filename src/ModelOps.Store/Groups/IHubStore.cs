using ModelOps.Store.Auth;
using ModelOps.Store.Inference;

namespace ModelOps.Store.Groups;

/// <summary>
/// The hub's part of the store: model groups with their audit, API tokens, and each group's
/// inference-log table. Get it with <see cref="HubStoreExtensions.Hub"/> from an opened
/// <see cref="IModelStore"/>; it shares that store's connections and is as thread-safe.
/// </summary>
public interface IHubStore
{
    /// <summary>
    /// Creates a group and its table <c>inference_log_&lt;name&gt;</c> (<c>-</c> mapped to <c>_</c>) and
    /// records the creation in the audit, in one transaction.
    /// </summary>
    /// <exception cref="StoreException">The name is invalid or taken (also through the <c>-</c>/<c>_</c> mapping), the members break a rule (every problem listed), or a version does not exist.</exception>
    Task<ModelGroup> CreateGroupAsync(NewModelGroup group, string actor, CancellationToken cancellationToken = default);

    /// <summary>The group <paramref name="name"/>.</summary>
    /// <exception cref="StoreException">No such group (<see cref="StoreErrorKind.NotFound"/>, listing the groups).</exception>
    Task<ModelGroup> GetGroupAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every group, by name.</summary>
    Task<IReadOnlyList<ModelGroup>> ListGroupsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the members of a group (a new split, new challengers or shadows) with the same rules
    /// as creation, and records it in the audit, in one transaction.
    /// </summary>
    /// <exception cref="StoreException">No such group, a broken rule, or a version that does not exist.</exception>
    Task<ModelGroup> SetMembersAsync(string name, IReadOnlyList<GroupMember> members, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="model"/> version <paramref name="version"/> the Champion of a group and moves
    /// the registry alias <c>Champion</c> of that model to it (with history), in one transaction.
    /// The new Champion takes the old Champion's weight, and the old Champion takes the place the new
    /// one left (a Challenger with its weight, or a Shadow when it was a Shadow or not in the group).
    /// With <paramref name="takeAllTraffic"/>, the new Champion gets 100 and every other member becomes a Shadow.
    /// </summary>
    /// <exception cref="StoreException">No such group or version, or the version already is the Champion.</exception>
    Task<GroupPromotion> PromoteAsync(string name, string model, int version, bool takeAllTraffic, string actor, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a group following its policy (its table renamed to <c>inference_archive_&lt;id&gt;</c> or
    /// dropped) and records the deletion in the audit, in one transaction.
    /// </summary>
    /// <exception cref="StoreException">No such group.</exception>
    Task<GroupDeletion> DeleteGroupAsync(string name, string actor, CancellationToken cancellationToken = default);

    /// <summary>The audit entries of a group (also of a deleted one), oldest first; every group's when <paramref name="name"/> is <see langword="null"/>.</summary>
    Task<IReadOnlyList<GroupAuditEntry>> GetGroupAuditAsync(string? name = null, CancellationToken cancellationToken = default);

    /// <summary>A counter incremented by every change of any group: poll it to know when to reload the groups.</summary>
    Task<long> GetGroupsRevisionAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends rows (of any groups) in one transaction: all are stored or none.</summary>
    /// <exception cref="StoreException">A group does not exist, or the database cannot be written.</exception>
    Task AppendInferencesAsync(IReadOnlyList<InferenceRecord> records, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the label of the rows of a request (of one record when <paramref name="recordIndex"/> is given;
    /// served and shadow rows alike).
    /// </summary>
    /// <returns>How many rows were labelled.</returns>
    /// <exception cref="StoreException">No such group, or no row of that request (and record).</exception>
    Task<int> SetLabelAsync(string group, string requestId, int? recordIndex, double label, CancellationToken cancellationToken = default);

    /// <summary>A page of a group's rows matching <paramref name="query"/>, newest first.</summary>
    /// <exception cref="StoreException">No such group, or a limit outside 1 to 1000.</exception>
    Task<InferencePage> QueryInferencesAsync(string group, InferenceQuery query, CancellationToken cancellationToken = default);

    /// <summary>The rows of one request, by record index then role (served before shadow).</summary>
    /// <exception cref="StoreException">No such group.</exception>
    Task<IReadOnlyList<InferenceRow>> GetRequestAsync(string group, string requestId, CancellationToken cancellationToken = default);

    /// <summary>The outcome columns of a group's rows logged in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    /// <exception cref="StoreException">No such group.</exception>
    Task<IReadOnlyList<InferenceOutcome>> ReadOutcomesAsync(string group, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default);

    /// <summary>Makes an API token; its secret is returned once and only its SHA-256 is stored.</summary>
    /// <exception cref="StoreException">The name is empty or too long.</exception>
    Task<CreatedApiToken> CreateTokenAsync(string name, TokenRole role, CancellationToken cancellationToken = default);

    /// <summary>The token whose secret is <paramref name="secret"/>, or <see langword="null"/> when there is none.</summary>
    Task<ApiToken?> FindTokenAsync(string secret, CancellationToken cancellationToken = default);

    /// <summary>Every token (never a secret), by id.</summary>
    Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken cancellationToken = default);
}

/// <summary>Reaches the hub's part of a store.</summary>
public static class HubStoreExtensions
{
    /// <summary>The <see cref="IHubStore"/> of a store opened by <see cref="StoreFactory"/>.</summary>
    /// <exception cref="ArgumentException">The store was not opened by <see cref="StoreFactory"/>.</exception>
    public static IHubStore Hub(this IModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store as IHubStore ?? throw new ArgumentException($"{store.GetType().Name} is not a store opened by StoreFactory; it has no hub tables.", nameof(store));
    }
}
