using ModelOps.Core.Features;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;
using ModelOps.Hub.Diagnostics;
using ModelOps.Store.Groups;
using ModelOps.Store.Registry;

namespace ModelOps.Hub.Routing;

/// <summary>A member of a group with its loaded version, or why it could not be loaded (the routing snapshots retry it).</summary>
/// <param name="Member">The member.</param>
/// <param name="Counters">Its requests, records, scorings and their durations (the same object for every route of the member while it keeps its role).</param>
/// <param name="Loaded">Its loaded version, or <see langword="null"/>.</param>
/// <param name="LoadError">Why it could not be loaded, or <see langword="null"/>.</param>
internal sealed record RouteMember(GroupMember Member, MemberCounters Counters, LoadedModel? Loaded, string? LoadError = null)
{
    /// <summary>Whether the member's model is loaded and can score.</summary>
    public bool IsLoaded => Loaded is not null;

    /// <summary>The member's fitted model.</summary>
    /// <exception cref="InvalidOperationException">The model could not be loaded.</exception>
    public Model Model => Loaded?.Model ?? throw new InvalidOperationException($"model {Member.Model}/{Member.Version} is not loaded: {LoadError}");
}

/// <summary>
/// One group as the router sees it: immutable, built whole and published with one reference write
/// (see <see cref="RoutingSnapshots"/>), so a request sees either the old split or the new one.
/// </summary>
internal sealed class GroupRoute
{
    private readonly TrafficSplit _split;

    /// <param name="group">The group.</param>
    /// <param name="served">The Champion, then the Challengers.</param>
    /// <param name="shadows">The Shadows.</param>
    /// <param name="attempt">How many times in a row loading a member has failed (0 when every member is loaded).</param>
    /// <param name="retryAt">When to try loading the failed members again, or <see langword="null"/> when none failed.</param>
    public GroupRoute(ModelGroup group, IReadOnlyList<RouteMember> served, IReadOnlyList<RouteMember> shadows, int attempt = 0, DateTimeOffset? retryAt = null)
    {
        Group = group;
        Attempt = attempt;
        RetryAt = retryAt;
        Served = served;
        Shadows = shadows;
        _split = new TrafficSplit(group);

        // Every member reads the same inputs (the member rule), so any loaded served member gives them.
        var reader = served.FirstOrDefault(m => m.IsLoaded);
        if (reader is null)
        {
            Inputs = [];
            Unavailable = $"group '{group.Name}' cannot serve: none of its served models can be loaded now; the hub keeps trying";
            return;
        }

        Inputs = reader.Model.Inputs;
        Task = reader.Model.Task;
    }

    public ModelGroup Group { get; }

    /// <summary>The Champion, then the Challengers, in member order (as <see cref="TrafficSplit.Served"/>).</summary>
    public IReadOnlyList<RouteMember> Served { get; }

    public IReadOnlyList<RouteMember> Shadows { get; }

    /// <summary>The input columns every member reads (the Champion's signature; members must share it).</summary>
    public IReadOnlyList<InputColumn> Inputs { get; }

    public ModelTask Task { get; }

    /// <summary>Why the group cannot serve, or <see langword="null"/>.</summary>
    public string? Unavailable { get; }

    /// <summary>How many times in a row loading a member of this group has failed.</summary>
    public int Attempt { get; }

    /// <summary>When the routing snapshots try loading the failed members again; <see langword="null"/> when every member is loaded.</summary>
    public DateTimeOffset? RetryAt { get; }

    /// <summary>The member that answers: by the key's bucket when a key is given (sticky), else by a random bucket (<see cref="TrafficSplit"/>).</summary>
    public RouteMember Pick(string? routingKey) => Served[_split.Pick(routingKey)];
}

/// <summary>Every group's route at one revision of the database.</summary>
internal sealed class RoutingTable(long revision, IReadOnlyDictionary<string, GroupRoute> groups)
{
    public static RoutingTable Empty { get; } = new(-1, new Dictionary<string, GroupRoute>(StringComparer.Ordinal));

    public long Revision => revision;

    public IReadOnlyDictionary<string, GroupRoute> Groups => groups;
}
