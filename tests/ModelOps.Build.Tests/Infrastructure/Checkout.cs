using System.Xml.Linq;

namespace ModelOps.Build.Tests.Infrastructure;

/// <summary>The ModelOps checkout the tests were built from: its root, its build script and its one version.</summary>
internal static class Checkout
{
    public static string Root { get; } = FindRoot();

    public static string BuildScript => Path.Combine(Root, "build.sh");

    /// <summary>The <c>Version</c> of <c>Directory.Build.props</c>, read the way MSBuild does (the XML element).</summary>
    public static string Version { get; } =
        XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("Version").Single().Value;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelOps.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ModelOps.slnx above {AppContext.BaseDirectory}.");
    }
}
