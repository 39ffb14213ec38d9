using System.Text.Json;

namespace ModelOps.Cli.Tests;

public sealed class ConnectorsCommandTests : IDisposable
{
    private const string Key = "sk-cli-test-0123456789abcdefWq7T";
    private readonly string _folder = Directory.CreateTempSubdirectory("modelops-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Database => Path.Combine(_folder, "modelops.db");

    [Fact]
    public void AddListUpdateRemove_ReadTheKeyFromTheEnvironmentOrAFile_AndNeverPrintIt()
    {
        var keyFile = Path.Combine(_folder, "new.key");
        File.WriteAllText(keyFile, "\nsk-cli-replacement-9876543210Rr5S\n");

        var added = Run(["connectors", "add", "openai", "--kind", "openai", "--model", "gpt-4o-mini", "--api-key-env", "TEST_OPENAI_KEY", "--timeout", "30"], ("TEST_OPENAI_KEY", Key));
        var list = Run(["connectors", "list", "--json"]);
        var updated = Run(["connectors", "update", "openai", "--api-key-file", keyFile, "--model", "gpt-4o"]);
        var table = Run(["connectors", "list"]);
        var removed = Run(["connectors", "remove", "openai"]);
        var empty = Run(["connectors", "list"]);

        Assert.True(added.ExitCode == 0, added.Stderr);
        Assert.StartsWith("Connector 'openai' added: openai, model gpt-4o-mini, base URL (provider's), API key ...Wq7T, set ", added.Stdout, StringComparison.Ordinal);
        var listed = Assert.Single(JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray());
        Assert.Equal(("openai", "gpt-4o-mini", 30.0, "...Wq7T", Environment.UserName), (listed.GetProperty("name").GetString(), listed.GetProperty("model").GetString(), listed.GetProperty("timeoutSeconds").GetDouble(), listed.GetProperty("keyHint").GetString(), listed.GetProperty("createdBy").GetString()));
        Assert.StartsWith("Connector 'openai' changed: openai, model gpt-4o, base URL (provider's), API key ...Rr5S, set ", updated.Stdout, StringComparison.Ordinal);
        Assert.Contains("...Rr5S", table.Stdout, StringComparison.Ordinal);
        Assert.Equal((0, "Connector 'openai' removed with its API key.\n"), (removed.ExitCode, removed.Stdout));
        Assert.StartsWith("No connectors; add one with 'modelops connectors add NAME", empty.Stdout, StringComparison.Ordinal);
        var everything = string.Concat(new[] { added, list, updated, table, removed, empty }.Select(r => r.Stdout + r.Stderr));
        Assert.DoesNotContain(Key[..^4], everything, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-cli-replacement-9876543210", everything, StringComparison.Ordinal);
        var files = Directory.GetFiles(_folder).Where(f => f != keyFile).Select(f => File.ReadAllText(f, System.Text.Encoding.Latin1));
        Assert.DoesNotContain(files, f => f.Contains(Key[..^4], StringComparison.Ordinal));
    }

    [Fact]
    public void Add_KeyProblems_ExitWithWhatIsWrong()
    {
        var none = Run(["connectors", "add", "claude", "--kind", "anthropic", "--model", "claude-sonnet-4-5"]);
        var twice = Run(["connectors", "add", "claude", "--kind", "anthropic", "--model", "m", "--api-key-env", "A", "--api-key-stdin"]);
        var unset = Run(["connectors", "add", "claude", "--kind", "anthropic", "--model", "m", "--api-key-env", "MODELOPS_TEST_UNSET_VARIABLE"]);
        var kind = Run(["connectors", "add", "x", "--kind", "mistral", "--model", "m"]);
        var nothing = Run(["connectors", "update", "x"]);

        Assert.Equal("error: connector 'claude' is invalid: api_key: kind anthropic needs the provider's API key (only openai-compatible endpoints may have none)\n", none.Stderr);
        Assert.Equal("error: give the API key one way: --api-key-env, --api-key-file or --api-key-stdin\n", twice.Stderr);
        Assert.Equal("error: --api-key-env: environment variable 'MODELOPS_TEST_UNSET_VARIABLE' is not set or empty\n", unset.Stderr);
        Assert.Equal("error: unknown connector kind 'mistral': use openai, anthropic, gemini, openai-compatible\n", kind.Stderr);
        Assert.Equal("error: nothing to change: give --model, --base-url, --timeout or a new API key (--api-key-env, --api-key-file, --api-key-stdin)\n", nothing.Stderr);
        Assert.All(new[] { none, twice, unset, kind, nothing }, r => Assert.NotEqual(0, r.ExitCode));
    }

    [Fact]
    public async Task RotateKey_WithTheKeyFileNextToTheDatabase_KeepsEveryConnectorReadable()
    {
        Run(["connectors", "add", "local", "--kind", "openai-compatible", "--model", "llama3.1", "--base-url", "http://127.0.0.1:11434/v1", "--api-key-env", "K"], ("K", Key));
        var keyFile = Path.Combine(_folder, "secret.key");
        var before = File.ReadAllText(keyFile);

        var rotated = Run(["connectors", "rotate-key"]);

        Assert.True(rotated.ExitCode == 0, rotated.Stderr);
        Assert.Matches(@"^1 API key\(s\) re-encrypted under master key k-[0-9a-f]{8}; retired: k-[0-9a-f]{8}\.\n", rotated.Stdout);
        Assert.Contains($"{keyFile} now holds only the new key: copy it to every hub", rotated.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(before, File.ReadAllText(keyFile));
        await using var store = await Store.StoreFactory.OpenAsync(Database);
        Assert.Equal(Key, (await store.Connectors.OpenConnectorAsync("local")).ApiKey);
    }

    private CliResult Run(string[] args, params (string Name, string Value)[] environment)
    {
        var variables = environment.ToDictionary(e => e.Name, e => (string?)e.Value);
        variables["MODELOPS_SECRET_KEY"] = null;
        variables["MODELOPS_SECRET_KEY_FILE"] = null;
        return CliProcess.RunIn(CliProcess.RepoRoot, [.. args, "--database", Database], variables);
    }
}
