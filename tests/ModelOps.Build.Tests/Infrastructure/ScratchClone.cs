using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Build.Tests.Infrastructure;

/// <summary>A throw-away <c>git clone</c> of this checkout (its committed state), for tasks that change files: never the working tree.</summary>
internal sealed class ScratchClone : IDisposable
{
    private readonly TempFolder _folder = new("modelops-clone-");

    public ScratchClone()
    {
        Root = _folder.Combine("modelops");
        var clone = Shell.Run("git", ["clone", "--quiet", Checkout.Root, Root], _folder.Path, TimeSpan.FromMinutes(2));
        Assert.True(clone.ExitCode == 0, clone.Output);
    }

    public string Root { get; }

    public string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Writes <paramref name="text"/> to the clone's <paramref name="relativePath"/>, creating its folders.</summary>
    public void Write(string relativePath, string text = "x")
    {
        var path = Combine(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary><c>git status --porcelain --ignored</c>: empty when nothing is changed, untracked or ignored.</summary>
    public string Status()
    {
        var status = Shell.Run("git", ["status", "--porcelain", "--ignored"], Root, TimeSpan.FromMinutes(1));
        Assert.True(status.ExitCode == 0, status.Output);
        return status.Stdout;
    }

    public void Dispose() => _folder.Dispose();
}
