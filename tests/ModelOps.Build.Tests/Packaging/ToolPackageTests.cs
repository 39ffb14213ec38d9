using ModelOps.Build.Tests.Infrastructure;

namespace ModelOps.Build.Tests.Packaging;

/// <summary>The .NET tool package of <c>./build.sh package</c>, installed the way the README says into a temporary tool path and used from an empty folder.</summary>
[Collection(PackageCollection.Name)]
public sealed class ToolPackageTests
{
    private readonly PackageFixture _package;
    private readonly Lazy<string> _tool;

    public ToolPackageTests(PackageFixture package)
    {
        _package = package;
        _tool = new Lazy<string>(Install);
    }

    [Fact]
    public void Package_ToolPackage_IsNamedForTheVersionAndHoldsTheDemo()
    {
        Assert.True(File.Exists(_package.ToolPackage), _package.PackageOutput.Output);
        using var package = System.IO.Compression.ZipFile.OpenRead(_package.ToolPackage);
        var names = package.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", names);
        Assert.Contains("tools/net10.0/any/demo/configs/bike/training.yaml", names);
        Assert.Contains("tools/net10.0/any/demo/data/bike_sharing/hour.csv", names);
        Assert.Contains("tools/net10.0/any/wwwroot/_framework/blazor.web.js", names);
    }

    [Fact]
    public void ToolInstall_EmptyFolder_DemoPasses() =>
        InstalledProgram.AssertDemoRunsIn(_tool.Value, _package.NewFolder("tool-demo"));

    [Fact]
    public void ToolInstall_Version_IsTheVersionOfDirectoryBuildProps() =>
        InstalledProgram.AssertVersion(_tool.Value, _package.NewFolder("tool-version"));

    [Fact]
    public Task ToolInstall_Serve_AnswersHealthWithTheVersionAndTheUi() =>
        InstalledProgram.AssertServesHealthAndUiAsync(_tool.Value, _package.NewFolder("tool-serve"));

    // Each test installs into its own tool path (a second install into one path fails), with the README's command.
    private string Install()
    {
        var toolPath = _package.NewFolder("tool-path");
        var result = Shell.Run("dotnet", ["tool", "install", "modelops", "--tool-path", toolPath, "--add-source", _package.Artifacts, "--version", Checkout.Version], toolPath, TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"Tool 'modelops' (version '{Checkout.Version}') was successfully installed.", result.Stdout, StringComparison.Ordinal);
        return Path.Combine(toolPath, "modelops");
    }
}
