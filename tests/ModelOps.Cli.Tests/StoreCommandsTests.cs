using System.Text.Json;
using ModelOps.Store;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

namespace ModelOps.Cli.Tests;

/// <summary>The read side of the store through the real <c>modelops</c> process: exit codes and output.</summary>
public sealed class StoreCommandsTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "modelops-cli-" + Guid.NewGuid().ToString("N")[..12]);
    private string _runId = string.Empty;

    private string Database => Path.Combine(_folder, "modelops.db");

    public async Task InitializeAsync()
    {
        await using var store = await StoreFactory.OpenAsync(Database);
        var run = await store.StartRunAsync("training", new RunStart { Name = "fit-credit" });
        _runId = run.Id;
        await store.LogParametersAsync(run.Id, new Dictionary<string, string> { ["max_depth"] = "4" });
        await store.LogMetricAsync(run.Id, "auc", 0.8125);
        await store.EndRunAsync(run.Id, RunStatus.Finished);
        await store.RegisterVersionAsync(new NewModelVersion("credit", "file:///m1.json") { RunId = run.Id });
        await store.RegisterVersionAsync(new NewModelVersion("credit", "file:///m2.json") { RunId = run.Id });
        await store.SetAliasAsync("credit", "Champion", 1, "first model", "ana");
        await store.SetAliasAsync("credit", "Champion", 2, "better AUC", "ana");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void ModelsShow_Json_ListsVersionsAliasesAndHistory()
    {
        var (code, stdout, stderr) = CliProcess.Run("models", "show", "credit", "--json", "--database", Database);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("model").GetProperty("latestVersion").GetInt32());
        Assert.Equal([1, 2], root.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(2, root.GetProperty("aliases")[0].GetProperty("version").GetInt32());
        var history = root.GetProperty("aliasHistory").EnumerateArray().Select(h => (h.GetProperty("toVersion").GetInt32(), h.GetProperty("reason").GetString())).ToArray();
        Assert.Equal([(1, "first model"), (2, "better AUC")], history);
    }

    [Fact]
    public async Task ModelsShow_Json_SignatureIsAJsonObject()
    {
        await using (var store = await StoreFactory.OpenAsync(Database))
        {
            await store.RegisterVersionAsync(new NewModelVersion("signed", "file:///s1.json") { Signature = """{"inputs":[{"name":"age","type":"int64"}]}""" });
        }

        var (code, stdout, stderr) = CliProcess.Run("models", "show", "signed", "--json", "--database", Database);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var signature = json.RootElement.GetProperty("versions")[0].GetProperty("signature");
        Assert.Equal(JsonValueKind.Object, signature.ValueKind);
        Assert.Equal("age", signature.GetProperty("inputs")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void RunsList_Table_ShowsTheRun()
    {
        var (code, stdout, stderr) = CliProcess.Run("runs", "list", "--experiment", "training", "--database", Database);

        Assert.True(code == 0, stderr);
        Assert.Contains(_runId, stdout, StringComparison.Ordinal);
        Assert.Contains("fit-credit", stdout, StringComparison.Ordinal);
        Assert.Contains("FINISHED", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsShow_Json_HasParametersAndMetrics()
    {
        var (code, stdout, stderr) = CliProcess.Run("runs", "show", _runId, "--json", "--database", Database);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("4", json.RootElement.GetProperty("parameters").GetProperty("max_depth").GetString());
        Assert.Equal(0.8125, json.RootElement.GetProperty("metrics")[0].GetProperty("value").GetDouble());
        Assert.Equal("FINISHED", json.RootElement.GetProperty("info").GetProperty("status").GetString());
    }

    [Fact]
    public void ModelsShow_UnknownModel_ExitsFourWithOneLine()
    {
        var (code, stdout, stderr) = CliProcess.Run("models", "show", "credti", "--database", Database);

        Assert.Equal(4, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("error: model 'credti' not found; models are: credit (did you mean credit?)", stderr.TrimEnd());
    }

    [Fact]
    public void ExperimentsList_CorruptDatabase_ExitsFiveWithOneLine()
    {
        var corrupt = Path.Combine(_folder, "corrupt.db");
        File.WriteAllText(corrupt, string.Concat(Enumerable.Repeat("not a database\n", 100)));

        var (code, _, stderr) = CliProcess.Run("experiments", "list", "--database", corrupt);

        Assert.Equal(5, code);
        Assert.Equal($"error: SQLite database '{corrupt}' is corrupt or is not a SQLite database; restore it from a backup or point --database elsewhere", stderr.TrimEnd());
    }

    [Theory]
    [InlineData("postgress://x", "unknown scheme 'postgress' (accepted: a file path, sqlite:///absolute/path.db, sqlite:relative/path.db, postgresql://user@host:port/database)")]
    [InlineData("sqlte:///x.db", "unknown scheme 'sqlte' (accepted: a file path, sqlite:///absolute/path.db, sqlite:relative/path.db, postgresql://user@host:port/database)")]
    [InlineData("x.db?synchronous=normal", "options after '?' need the sqlite: scheme; write 'sqlite:x.db?synchronous=normal'")]
    public void RunsList_StrayDatabaseOption_ExitsTwoAndCreatesNothing(string database, string why)
    {
        var workingDirectory = EmptyFolder();

        var (code, stdout, stderr) = CliProcess.RunIn(workingDirectory, ["runs", "list", "--database", database]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal($"error: database URL '{database}' is invalid: {why}", stderr.TrimEnd());
        Assert.Empty(Directory.EnumerateFileSystemEntries(workingDirectory));
    }

    [Theory]
    [InlineData("postgress://x", "unknown scheme 'postgress' (accepted: a file path, sqlite:///absolute/path.db, sqlite:relative/path.db, postgresql://user@host:port/database)")]
    [InlineData("x.db?mode=ro", "options after '?' need the sqlite: scheme; write 'sqlite:x.db?mode=ro'")]
    public void RunsList_StrayDatabaseUrlVariable_ExitsTwoAndCreatesNothing(string database, string why)
    {
        var workingDirectory = EmptyFolder();

        var (code, stdout, stderr) = CliProcess.RunIn(workingDirectory, ["runs", "list"], new Dictionary<string, string?> { ["MODELOPS_DATABASE_URL"] = database });

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal($"error: database URL '{database}' is invalid: {why}", stderr.TrimEnd());
        Assert.Empty(Directory.EnumerateFileSystemEntries(workingDirectory));
    }

    private string EmptyFolder()
    {
        var folder = Path.Combine(_folder, "cwd-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
