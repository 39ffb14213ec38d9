using ModelOps.Store.Groups;

namespace ModelOps.Hub.Diagnostics;

/// <summary>
/// The counters of one group member (group, model, version, role): one label set of the <c>modelops_predict_*</c> and
/// <c>modelops_scoring_*</c> series. Made by <see cref="HubCounters.Member"/> when a route is built and held by the route's
/// member, so a request counts with a few interlocked adds and histogram records over tags made once: no lookup, no lock,
/// no allocation.
/// </summary>
internal sealed class MemberCounters
{
    private readonly HubCounters _owner;
    private readonly KeyValuePair<string, object?>[] _tags;
    private long _requests;
    private long _records;
    private long _scoringErrors;

    internal MemberCounters(HubCounters owner, string group, string model, int version, GroupRole role)
    {
        _owner = owner;
        Role = role;
        _tags = [new("group", group), new("model", model), new("version", version), new("role", role.ToName())];
    }

    /// <summary>The member's role in its group.</summary>
    public GroupRole Role { get; }

    /// <summary>Requests this member answered that reached scoring.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Records in those requests.</summary>
    public long Records => Interlocked.Read(ref _records);

    /// <summary>This member's scorings that failed.</summary>
    public long ScoringErrors => Interlocked.Read(ref _scoringErrors);

    /// <summary>The labels: <c>group</c>, <c>model</c>, <c>version</c>, <c>role</c>.</summary>
    internal ReadOnlySpan<KeyValuePair<string, object?>> Tags => _tags;

    /// <summary>A request of <paramref name="records"/> records routed to this member was scored.</summary>
    public void Request(int records)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _records, records);
    }

    /// <summary>The answer to a counted request was decided <paramref name="elapsed"/> after the request started.</summary>
    public void Answered(TimeSpan elapsed) => _owner.PredictDuration.Record(elapsed.TotalSeconds, _tags);

    /// <summary>This member's model scored a request in <paramref name="elapsed"/>, or failed to.</summary>
    public void Scored(TimeSpan elapsed, bool failed)
    {
        _owner.ScoringDuration.Record(elapsed.TotalSeconds, _tags);
        if (failed)
        {
            ScoringFailed();
        }
    }

    /// <summary>This member could not score a request (its model is not loaded, or scoring failed).</summary>
    public void ScoringFailed() => Interlocked.Increment(ref _scoringErrors);
}
