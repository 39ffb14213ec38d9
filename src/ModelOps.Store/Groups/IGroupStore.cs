namespace ModelOps.Store.Groups;

/// <summary>
/// Model groups (a Champion, Challengers and Shadows with their traffic split) and their audit.
/// Reach it through <see cref="IModelStore.Groups"/>; it shares that store's connections and is as
/// thread-safe.
/// </summary>
public interface IGroupStore
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

    /// <summary>Replaces the guardrails of a group (an empty list removes them) and records it in the audit, in one transaction.</summary>
    /// <exception cref="StoreException">No such group, or invalid rules (every problem listed, naming the rule).</exception>
    Task<ModelGroup> SetGuardrailsAsync(string name, IReadOnlyList<GroupGuardrail> guardrails, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes a tripped Challenger's traffic in one transaction, like a promotion: it becomes a Shadow (weight 0), the
    /// Champion takes its weight, and the audit records it (action <c>guardrail</c>, actor <c>guardrail</c>, the rule and
    /// the figures that tripped it).
    /// </summary>
    /// <returns>The audit record, or <see langword="null"/> when the version is no longer a Challenger with traffic (nothing changed).</returns>
    /// <exception cref="StoreException">No such group.</exception>
    Task<GroupAuditEntry?> TakeTrafficAsync(string name, GuardrailTrip trip, CancellationToken cancellationToken = default);

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
}
