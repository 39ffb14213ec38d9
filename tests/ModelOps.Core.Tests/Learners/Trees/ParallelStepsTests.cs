using ModelOps.Core.Learning;

namespace ModelOps.Core.Tests.Learners.Trees;

// ParallelSteps (ModelOps.Core/Learning) runs the tree grower's parallel steps.
public sealed class ParallelStepsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1000)]
    public void For_AnyPartCount_EveryPartRunsOnce(int parts)
    {
        var runs = new int[parts];

        ParallelSteps.For(parts, part => Interlocked.Increment(ref runs[part]));

        Assert.All(runs, count => Assert.Equal(1, count));
    }

    [Fact]
    public void For_PartThrows_RethrownAfterTheStartedPartsFinished()
    {
        var running = 0;
        var finished = 0;

        var error = Assert.Throws<InvalidOperationException>(() => ParallelSteps.For(64, part =>
        {
            Interlocked.Increment(ref running);
            Thread.Sleep(1);
            Interlocked.Decrement(ref running);
            if (part == 5)
            {
                throw new InvalidOperationException("part 5 failed");
            }

            Interlocked.Increment(ref finished);
        }));

        Assert.Equal("part 5 failed", error.Message);
        Assert.Equal(0, Volatile.Read(ref running));
        Assert.InRange(finished, 5, 63);
    }

    [Fact]
    public void For_StepInsideAStep_InnerPartsRunToo()
    {
        var runs = new int[8 * 8];

        ParallelSteps.For(8, outer => ParallelSteps.For(8, inner => Interlocked.Increment(ref runs[(outer * 8) + inner])));

        Assert.All(runs, count => Assert.Equal(1, count));
    }

    [Fact]
    public void For_SeveralCallersAtOnce_EachGetsItsOwnParts()
    {
        var sums = new long[6];

        Parallel.For(0, sums.Length, caller =>
        {
            for (var repeat = 0; repeat < 200; repeat++)
            {
                var partial = new long[16];
                ParallelSteps.For(partial.Length, part => partial[part] = (caller + 1) * (part + 1));
                sums[caller] += partial.Sum();
            }
        });

        // 200 x (caller + 1) x (1 + 2 + ... + 16).
        Assert.Equal([27_200, 54_400, 81_600, 108_800, 136_000, 163_200], sums);
    }

    [Fact]
    public void For_AfterTheHelpersFellAsleep_StepsStillComplete()
    {
        // Pauses around the idle spin's end cover a helper going to sleep while a step is published.
        var random = new Random(3);
        var idle = ParallelSteps.IdleSpin.TotalMilliseconds;
        for (var round = 0; round < 40; round++)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(idle * random.NextDouble() * 2));
            var runs = new int[4];

            ParallelSteps.For(runs.Length, part => Interlocked.Increment(ref runs[part]));

            Assert.All(runs, count => Assert.Equal(1, count));
        }
    }
}
