using ModelOps.Jobs.Configuration;
using YamlDotNet.RepresentationModel;

namespace ModelOps.Jobs.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["DATA_DIR"] = "/data", ["ROWS"] = "500" };

    private static ConfigLoader Loader() => new(name => Environment.GetValueOrDefault(name));

    private static string At(ConfigDocument document, params string[] keys)
    {
        YamlNode node = document.Root;
        foreach (var key in keys)
        {
            node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        }

        return node is YamlScalarNode scalar ? scalar.Value! : string.Join(",", ((YamlSequenceNode)node).Children);
    }

    [Fact]
    public void Merge_TwoFilesAndExtras_LaterWinsMappingsMergeListsReplace()
    {
        var document = Loader().Merge(
        [
            new("base.yaml", "job:\n  model: {KIND: Ridge, alpha: 1}\n  columns: [a, b]\n  name: base\n"),
            new("prod.yaml", "job:\n  model: {alpha: 2}\n  columns: [c]\n"),
            new(ConfigLoader.ExtrasName(0), """{"job": {"name": "extra"}}"""),
        ]);

        Assert.Equal("Ridge", At(document, "job", "model", "KIND"));
        Assert.Equal("2", At(document, "job", "model", "alpha"));
        Assert.Equal("c", At(document, "job", "columns"));
        Assert.Equal("extra", At(document, "job", "name"));
    }

    [Fact]
    public void Merge_MergedValue_KeepsItsSourceAndLine()
    {
        var document = Loader().Merge([new("a.yaml", "x: 1\ny: 2\n"), new("b.yaml", "\ny: 3\n")]);
        var root = (YamlMappingNode)document.Root;

        var problem = document.Problem(root.Children[new YamlScalarNode("y")], "y", "m");

        Assert.Equal("b.yaml:2: y: m", problem.ToString());
        Assert.Equal("a.yaml", document.SourceOf(root.Children[new YamlScalarNode("x")]));
    }

    [Fact]
    public void Load_FilesThenExtras_ExtrasWin()
    {
        var directory = Directory.CreateTempSubdirectory("config-");
        try
        {
            var first = Path.Combine(directory.FullName, "a.yaml");
            var second = Path.Combine(directory.FullName, "b.yaml");
            File.WriteAllText(first, "a: 1\nb: 1\nc: 1\n");
            File.WriteAllText(second, "b: 2\nc: 2\n");

            var document = Loader().Load([first, second], ["c: 3"]);

            Assert.Equal(["1", "2", "3"], [At(document, "a"), At(document, "b"), At(document, "c")]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        var error = Assert.Throws<ConfigException>(() => Loader().Load(["/nonexistent/x.yaml"]));

        Assert.Equal("/nonexistent/x.yaml: config file not found", error.Message);
    }

    [Fact]
    public void Merge_EnvWithAndWithoutDefault_Substituted()
    {
        var document = Loader().Merge([new("a.yaml", "path: ${env:DATA_DIR}/hour.csv\nrows: ${env:ROWS}\nmode: ${env:MODE,fast}\nempty: ${env:NONE,}\n")]);

        Assert.Equal("/data/hour.csv", At(document, "path"));
        Assert.Equal("500", At(document, "rows"));
        Assert.Equal("fast", At(document, "mode"));
        Assert.Equal(string.Empty, At(document, "empty"));
    }

    [Fact]
    public void Merge_MissingEnvWithoutDefault_NamesVariableAndPath()
    {
        var error = Assert.Throws<ConfigException>(() => Loader().Merge([new("a.yaml", "job:\n  reader:\n    path: ${env:MISSING}/x.csv\n")]));

        Assert.Equal("a.yaml:3: job.reader.path: environment variable 'MISSING' is not set and has no default (write ${env:MISSING,default})", error.Message);
    }

    [Fact]
    public void Merge_SyntaxErrorInExtras_NamesExtrasAndLine()
    {
        var error = Assert.Throws<ConfigException>(() => Loader().Merge([new("a.yaml", "a: 1\n"), new(ConfigLoader.ExtrasName(0), "a: [1, 2\n")]));

        Assert.StartsWith("--extras[0]:2: YAML syntax error at column ", error.Message, StringComparison.Ordinal);
    }
}
