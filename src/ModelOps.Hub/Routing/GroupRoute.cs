using ModelOps.Core.Features;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;
using ModelOps.Store.Groups;
using ModelOps.Store.Registry;

namespace ModelOps.Hub.Routing;

/// <summary>A member of a group with its loaded version.</summary>
internal sealed record RouteMember(GroupMember Member, LoadedModel Loaded)
{
    /// <summary>The member's fitted model.</summary>
    public Model Model => Loaded.Model;
}

/// <summary>
/// One group as the router sees it: immutable, built whole and published with one reference write
/// (see <see cref="RoutingSnapshots"/>), so a request sees either the old split or the new one.
/// </summary>
internal sealed class GroupRoute
{
    private readonly int[] _upper;

    public GroupRoute(ModelGroup group, IReadOnlyList<RouteMember> served, IReadOnlyList<RouteMember> shadows)
    {
        Group = group;
        Served = served;
        Shadows = shadows;
        _upper = new int[served.Count];
        var total = 0;
        for (var i = 0; i < served.Count; i++)
        {
            total += served[i].Member.Weight;
            _upper[i] = total;
        }

        var champion = served[0].Model;
        Inputs = champion.Inputs;
        Task = champion.Task;
    }

    /// <summary>A group whose models could not be loaded: predict answers 503 with <paramref name="unavailable"/>.</summary>
    public GroupRoute(ModelGroup group, string unavailable)
    {
        Group = group;
        Served = [];
        Shadows = [];
        _upper = [];
        Inputs = [];
        Unavailable = unavailable;
    }

    public ModelGroup Group { get; }

    /// <summary>The Champion, then the Challengers, in member order.</summary>
    public IReadOnlyList<RouteMember> Served { get; }

    public IReadOnlyList<RouteMember> Shadows { get; }

    /// <summary>The input columns every member reads (the Champion's signature; members must share it).</summary>
    public IReadOnlyList<InputColumn> Inputs { get; }

    public ModelTask Task { get; }

    /// <summary>Why the group cannot serve, or <see langword="null"/>.</summary>
    public string? Unavailable { get; }

    /// <summary>The member that answers: by the key's bucket when a key is given (sticky), else by a random bucket.</summary>
    public RouteMember Pick(string? routingKey)
    {
        var bucket = routingKey is null ? Random.Shared.Next(100) : StickyHash.Bucket(Group.Name, routingKey);
        for (var i = 0; i < _upper.Length; i++)
        {
            if (bucket < _upper[i])
            {
                return Served[i];
            }
        }

        return Served[0];
    }
}

/// <summary>Every group's route at one revision of the database.</summary>
internal sealed class RoutingTable(long revision, IReadOnlyDictionary<string, GroupRoute> groups)
{
    public static RoutingTable Empty { get; } = new(-1, new Dictionary<string, GroupRoute>(StringComparer.Ordinal));

    public long Revision => revision;

    public IReadOnlyDictionary<string, GroupRoute> Groups => groups;
}
