namespace ModelOps.Store.Tests.Infrastructure;

/// <summary>A clock that moves only when told (thread-safe).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public static DateTimeOffset Start { get; } = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);

    public ManualClock()
        : this(Start)
    {
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public DateTimeOffset Advance(TimeSpan by) => new(Interlocked.Add(ref _ticks, by.Ticks), TimeSpan.Zero);
}
