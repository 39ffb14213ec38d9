using System.Globalization;
using Microsoft.AspNetCore.Http;
using ModelOps.Core.Models;
using ModelOps.Hub.Errors;
using ModelOps.Hub.Routing;
using ModelOps.Store.Groups;

namespace ModelOps.Hub.Groups;

/// <summary>
/// The changes of model groups, as the API and the UI make them: each checks the members' models,
/// writes through the store (one transaction, audited), then refreshes the routing table so that the
/// next request of this process sees the change. Other hub processes see it at their next refresh.
/// </summary>
internal sealed class GroupCommands(IGroupStore store, ModelCache models, RoutingSnapshots snapshots)
{
    /// <summary>Creates a group and its inference-log table.</summary>
    /// <exception cref="HubException">400: a member's model reads other inputs than the Champion's.</exception>
    /// <exception cref="ModelOps.Store.StoreException">The name is taken or invalid, a rule is broken, or a version does not exist.</exception>
    public async Task<ModelGroup> CreateAsync(NewModelGroup group, string actor, CancellationToken cancellationToken)
    {
        GroupNames.Validate(group.Name);
        await CheckSignaturesAsync(group.Members, cancellationToken).ConfigureAwait(false);
        var created = await store.CreateGroupAsync(group, actor, cancellationToken).ConfigureAwait(false);
        await snapshots.RefreshAsync(force: false, cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <summary>Replaces the members and weights of a group; every member, the new Champion too, must read the group's inputs (its current Champion's), as for a promotion.</summary>
    /// <exception cref="HubException">400: a member's model reads other inputs than the current Champion's.</exception>
    /// <exception cref="ModelOps.Store.StoreException">No such group, a broken rule, or a version that does not exist.</exception>
    public async Task<ModelGroup> SetMembersAsync(string group, IReadOnlyList<GroupMember> members, string actor, CancellationToken cancellationToken)
    {
        GroupNames.Validate(group);
        var current = await store.GetGroupAsync(group, cancellationToken).ConfigureAwait(false);
        await CheckSignaturesAsync([current.Champion, .. members], cancellationToken).ConfigureAwait(false);
        var changed = await store.SetMembersAsync(group, members, actor, cancellationToken).ConfigureAwait(false);
        await snapshots.RefreshAsync(force: false, cancellationToken).ConfigureAwait(false);
        return changed;
    }

    /// <summary>Makes <paramref name="model"/>/<paramref name="version"/> the Champion in one atomic step and moves its <c>Champion</c> alias.</summary>
    /// <exception cref="HubException">400: the new Champion reads other inputs than the current one.</exception>
    /// <exception cref="ModelOps.Store.StoreException">No such group or version, or the version already is the Champion.</exception>
    public async Task<GroupPromotion> PromoteAsync(string group, string model, int version, bool takeAllTraffic, string actor, string? reason, CancellationToken cancellationToken)
    {
        GroupNames.Validate(group);
        var current = await store.GetGroupAsync(group, cancellationToken).ConfigureAwait(false);
        await CheckSignaturesAsync([current.Champion, new GroupMember(model, version, GroupRole.Challenger, 0)], cancellationToken).ConfigureAwait(false);
        var promotion = await store.PromoteAsync(group, model, version, takeAllTraffic, actor, reason, cancellationToken).ConfigureAwait(false);
        await snapshots.RefreshAsync(force: false, cancellationToken).ConfigureAwait(false);
        return promotion;
    }

    /// <summary>Replaces the guardrails of a group.</summary>
    /// <exception cref="ModelOps.Store.StoreException">No such group, or invalid rules (every problem listed).</exception>
    public async Task<ModelGroup> SetGuardrailsAsync(string group, IReadOnlyList<GroupGuardrail> guardrails, string actor, CancellationToken cancellationToken)
    {
        GroupNames.Validate(group);
        var changed = await store.SetGuardrailsAsync(group, guardrails, actor, cancellationToken).ConfigureAwait(false);
        await snapshots.RefreshAsync(force: false, cancellationToken).ConfigureAwait(false);
        return changed;
    }

    /// <summary>Deletes a group following its policy; the audit remains.</summary>
    /// <exception cref="ModelOps.Store.StoreException">No such group.</exception>
    public async Task<GroupDeletion> DeleteAsync(string group, string actor, CancellationToken cancellationToken)
    {
        GroupNames.Validate(group);
        var deletion = await store.DeleteGroupAsync(group, actor, cancellationToken).ConfigureAwait(false);
        await snapshots.RefreshAsync(force: false, cancellationToken).ConfigureAwait(false);
        return deletion;
    }

    /// <summary>
    /// The member rule of create, split and promote: every member must read the same inputs (names and types)
    /// as the first Champion of <paramref name="members"/> (the group's current Champion for a split or a
    /// promotion, the new one for a creation): one signature per group endpoint.
    /// </summary>
    private async Task CheckSignaturesAsync(IReadOnlyList<GroupMember> members, CancellationToken cancellationToken)
    {
        if (members.Count == 0)
        {
            return;
        }

        var champion = members.FirstOrDefault(m => m.Role == GroupRole.Champion) ?? members[0];
        var expected = (await models.GetAsync(champion.Model, champion.Version, cancellationToken).ConfigureAwait(false)).Model;
        var problems = new List<string>();
        foreach (var member in members)
        {
            if (member == champion)
            {
                continue;
            }

            var model = (await models.GetAsync(member.Model, member.Version, cancellationToken).ConfigureAwait(false)).Model;
            if (!model.Inputs.SequenceEqual(expected.Inputs) && !SameSet(model, expected))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{member.Model}/{member.Version} reads inputs ({Describe(model)}), not the champion's ({Describe(expected)})"));
            }
        }

        if (problems.Count > 0)
        {
            throw new HubException(StatusCodes.Status400BadRequest, $"the members of a group must read the same inputs: {string.Join("; ", problems)}", problems);
        }
    }

    private static bool SameSet(Model a, Model b) =>
        a.Inputs.Count == b.Inputs.Count && a.Inputs.All(b.Inputs.Contains);

    private static string Describe(Model model) =>
        string.Join(", ", model.Inputs.Select(i => $"{i.Name} {ModelOps.Core.Data.ColumnTypeNames.ToName(i.Type)}"));
}
