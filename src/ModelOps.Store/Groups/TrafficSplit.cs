namespace ModelOps.Store.Groups;

/// <summary>
/// How a group's traffic is shared: the served members (the Champion, then the Challengers, in member order)
/// by their weights. A record with a routing key always reaches the same member while the weights stay
/// (<see cref="StickyHash"/>, the same in every process: the hub and the Kafka job route alike); one without
/// a key reaches a member at random by the weights.
/// </summary>
public sealed class TrafficSplit
{
    private readonly string _group;
    private readonly int[] _upper;

    /// <param name="group">The group.</param>
    public TrafficSplit(ModelGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        _group = group.Name;
        Served = [.. group.Members.Where(m => m.Role != GroupRole.Shadow)];
        Shadows = [.. group.Members.Where(m => m.Role == GroupRole.Shadow)];
        _upper = new int[Served.Count];
        var total = 0;
        for (var i = 0; i < _upper.Length; i++)
        {
            total += Served[i].Weight;
            _upper[i] = total;
        }
    }

    /// <summary>The Champion, then the Challengers, in member order.</summary>
    public IReadOnlyList<GroupMember> Served { get; }

    /// <summary>The Shadows, in member order.</summary>
    public IReadOnlyList<GroupMember> Shadows { get; }

    /// <summary>The position in <see cref="Served"/> of the member that answers a record.</summary>
    /// <param name="routingKey">The record's routing key (sticky), or <see langword="null"/> for a random pick by the weights.</param>
    public int Pick(string? routingKey)
    {
        var bucket = routingKey is null ? Random.Shared.Next(100) : StickyHash.Bucket(_group, routingKey);
        for (var i = 0; i < _upper.Length; i++)
        {
            if (bucket < _upper[i])
            {
                return i;
            }
        }

        return 0;
    }
}
