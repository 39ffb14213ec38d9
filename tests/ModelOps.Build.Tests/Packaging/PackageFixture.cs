using ModelOps.Build.Tests.Infrastructure;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Build.Tests.Packaging;

/// <summary>
/// <c>./build.sh package --output TMP</c>, run once for every packaging test (packing and publishing take minutes):
/// the tool package and the single-file binary, each then used from folders outside the checkout.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    private readonly TempFolder _folder = new("modelops-package-");

    public PackageFixture()
    {
        Artifacts = _folder.Combine("artifacts");
        // At a lower CPU priority: CI runs the other test projects meanwhile, some of them timing-sensitive.
        PackageOutput = Shell.Run("nice", ["-n", "10", "bash", Checkout.BuildScript, "package", "--output", Artifacts], Checkout.Root, TimeSpan.FromMinutes(15));
        if (PackageOutput.ExitCode != 0)
        {
            throw new InvalidOperationException($"./build.sh package failed ({PackageOutput.ExitCode}):\n{PackageOutput.Output}");
        }

        // The single-file binary unpacks itself on its first start; here, not in ~/.net.
        BundleExtractDirectory = _folder.Combine("bundle-extract");
    }

    /// <summary>The folder <c>build.sh package</c> wrote to.</summary>
    public string Artifacts { get; }

    /// <summary>What <c>build.sh package</c> printed.</summary>
    internal ShellResult PackageOutput { get; }

    public string ToolPackage => Path.Combine(Artifacts, $"modelops.{Checkout.Version}.nupkg");

    public string Binary => Path.Combine(Artifacts, "linux-x64", "modelops");

    /// <summary>Where the binary unpacks itself (<c>DOTNET_BUNDLE_EXTRACT_BASE_DIR</c>).</summary>
    public string BundleExtractDirectory { get; }

    /// <summary>A new empty folder, deleted with the fixture.</summary>
    public string NewFolder(string name)
    {
        var path = _folder.Combine(name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>The packaging test classes share one <see cref="PackageFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "package";
}
