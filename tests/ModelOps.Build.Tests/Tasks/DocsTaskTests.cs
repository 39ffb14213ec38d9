using ModelOps.Build.Tests.Infrastructure;

namespace ModelOps.Build.Tests.Tasks;

/// <summary>The link check of <c>./build.sh docs</c> (<c>--links-only</c>): every link of the README and docs/ resolves.</summary>
public sealed class DocsTaskTests
{
    [Fact]
    public void DocsLinks_Checkout_EveryLinkResolves()
    {
        var result = Shell.BuildScript(["docs", "--links-only"], TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Matches(@"every link in README\.md and docs/ resolves \(\d+ checked\)", result.Stdout);
    }

    [Fact]
    public void DocsLinks_PlantedBrokenLinks_NamesEachFileLineAndLink()
    {
        using var clone = new ScratchClone();
        var jobs = clone.Combine("docs", "jobs.md");
        var line = File.ReadAllLines(jobs).Length + 2;
        File.AppendAllText(jobs, "\nSee [the planted page](planted-missing.md) and [a planted anchor](store.md#no-such-heading).\n");
        File.AppendAllText(clone.Combine("README.md"), "\n![a planted image](docs/ui/planted.png)\n");
        var readmeLine = File.ReadAllLines(clone.Combine("README.md")).Length;

        var result = Shell.BuildScript(["docs", "--links-only", clone.Root], TimeSpan.FromMinutes(2));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [
                $"README.md:{readmeLine}: broken link docs/ui/planted.png (no file docs/ui/planted.png)",
                $"docs/jobs.md:{line}: broken link planted-missing.md (no file docs/planted-missing.md)",
                $"docs/jobs.md:{line}: broken link store.md#no-such-heading (no heading #no-such-heading in docs/store.md)",
            ],
            result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("3 broken link(s)", result.Stderr, StringComparison.Ordinal);
    }
}
