using Microsoft.Extensions.Logging;
using ModelOps.Jobs.Services;

namespace ModelOps.Jobs.Tests.Services;

public sealed class ConsoleLoggerTests
{
    [Fact]
    public void Log_Information_WritesOneSimpleLine()
    {
        var console = new StringWriter();
        using var provider = new ConsoleLineLoggerProvider(console, new FixedClock());

        provider.CreateLogger("ModelOps.Jobs.TrainingJob").LogInformation(new EventId(12), "fitted {Rows} rows", 17379);

        Assert.Equal("09:26:53 info: ModelOps.Jobs.TrainingJob[12] fitted 17379 rows\n", console.ToString());
    }

    [Theory]
    [InlineData(LogLevel.Trace, "trce")]
    [InlineData(LogLevel.Debug, "dbug")]
    [InlineData(LogLevel.Information, "info")]
    [InlineData(LogLevel.Warning, "warn")]
    [InlineData(LogLevel.Error, "fail")]
    [InlineData(LogLevel.Critical, "crit")]
    public void Log_EachLevel_UsesTheSimpleFormattersShortName(LogLevel level, string name)
    {
        var console = new StringWriter();
        using var provider = new ConsoleLineLoggerProvider(console, new FixedClock());

        provider.CreateLogger("c").Log(level, "m");

        Assert.Equal($"09:26:53 {name}: c[0] m\n", console.ToString());
    }

    [Fact]
    public void Log_MultiLineMessageAndException_StayOnOneLine()
    {
        var console = new StringWriter();
        using var provider = new ConsoleLineLoggerProvider(console, new FixedClock());

        provider.CreateLogger("c").LogError(new EventId(3), new InvalidOperationException("bad\nstate"), "first\nsecond");

        Assert.Equal("09:26:53 fail: c[3] first second System.InvalidOperationException: bad state\n", console.ToString());
    }

    [Fact]
    public void Log_LocalTimeZone_TimestampIsLocal()
    {
        var console = new StringWriter();
        using var provider = new ConsoleLineLoggerProvider(console, new ZoneClock(TimeZoneInfo.CreateCustomTimeZone("plus2", TimeSpan.FromHours(2), "plus2", "plus2")));

        provider.CreateLogger("c").LogWarning("m");

        Assert.Equal("11:26:53 warn: c[0] m\n", console.ToString());
    }

    [Fact]
    public void BeginScope_ScopesAreNotWritten()
    {
        var console = new StringWriter();
        using var provider = new ConsoleLineLoggerProvider(console, new FixedClock());
        var logger = provider.CreateLogger("c");

        using (logger.BeginScope("run {Id}", 7))
        {
            logger.LogInformation("m");
        }

        Assert.Equal("09:26:53 info: c[0] m\n", console.ToString());
    }

    private sealed class ZoneClock(TimeZoneInfo zone) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => FixedClock.Now;

        public override TimeZoneInfo LocalTimeZone => zone;
    }
}
