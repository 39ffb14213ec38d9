namespace ModelOps.Build.Tests.Packaging;

/// <summary>The self-contained single-file linux-x64 binary of <c>./build.sh package</c>, copied alone into an empty folder and run there.</summary>
[Collection(PackageCollection.Name)]
public sealed class SingleFileBinaryTests(PackageFixture package)
{
    private Dictionary<string, string?> Environment => new() { ["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = package.BundleExtractDirectory };

    [Fact]
    public void Package_Binary_IsOneExecutableFile()
    {
        Assert.True(File.Exists(package.Binary), package.PackageOutput.Output);
        Assert.Equal([package.Binary], Directory.GetFileSystemEntries(Path.GetDirectoryName(package.Binary)!));
        Assert.True(!OperatingSystem.IsWindows() && File.GetUnixFileMode(package.Binary).HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public void Binary_AloneInAFolder_RunsTheDemo()
    {
        var folder = Alone();
        InstalledProgram.AssertDemoRunsIn(Path.Combine(folder, "modelops"), folder, Environment);
    }

    [Fact]
    public Task Binary_AloneInAFolder_ServesHealthWithTheVersionAndTheUi()
    {
        var folder = Alone();
        return InstalledProgram.AssertServesHealthAndUiAsync(Path.Combine(folder, "modelops"), folder, Environment);
    }

    [Fact]
    public void Binary_Version_IsTheVersionOfDirectoryBuildProps()
    {
        var folder = Alone();
        InstalledProgram.AssertVersion(Path.Combine(folder, "modelops"), folder, Environment);
    }

    /// <summary>A new folder holding only a copy of the binary.</summary>
    private string Alone()
    {
        var folder = package.NewFolder("binary");
        File.Copy(package.Binary, Path.Combine(folder, "modelops"));
        return folder;
    }
}
