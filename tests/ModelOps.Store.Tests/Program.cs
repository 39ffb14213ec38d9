using System.Globalization;
using ModelOps.Store.Registry;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Store.Tests;

/// <summary>
/// Entry point used only when a test re-launches this assembly as a separate process. The test runner never calls it.
/// <list type="bullet">
/// <item><c>dotnet ModelOps.Store.Tests.dll register LOCATION MODEL COUNT GO_FILE</c> (a writer) opens the store,
/// prints <c>ready</c>, waits for GO_FILE to exist (so every process starts writing at once),
/// registers COUNT versions and prints each number.</item>
/// <item><c>dotnet ModelOps.Store.Tests.dll load LOCATION REFERENCE</c> (another machine) opens the store with the
/// default options, loads the model REFERENCE names, and prints its version, artifact URI and the store's artifact
/// location, then its predictions for <see cref="SmallModels.Rows"/>, one a line.</item>
/// </list>
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case ["register", var location, var model, var countText, var goFile]:
                return await RegisterAsync(location, model, int.Parse(countText, CultureInfo.InvariantCulture), goFile);
            case ["load", var location, var reference]:
                await LoadAsync(location, reference);
                return 0;
            default:
                await Console.Error.WriteLineAsync("usage: register LOCATION MODEL COUNT GO_FILE | load LOCATION REFERENCE");
                return 2;
        }
    }

    private static async Task<int> RegisterAsync(string location, string model, int count, string goFile)
    {
        await using var store = await StoreFactory.OpenAsync(location);
        Console.WriteLine("ready");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(goFile))
        {
            if (DateTime.UtcNow > deadline)
            {
                await Console.Error.WriteLineAsync("no go file within 60 s");
                return 3;
            }

            await Task.Delay(5);
        }

        for (var i = 0; i < count; i++)
        {
            var version = await store.RegisterVersionAsync(new NewModelVersion(model, $"file:///models/{Environment.ProcessId}/{i}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"version {version.Version}"));
        }

        return 0;
    }

    private static async Task LoadAsync(string location, string reference)
    {
        await using var store = await StoreFactory.OpenAsync(location);
        var loaded = await store.LoadAsync(reference);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{loaded.Version.Model}/{loaded.Version.Version} {loaded.Version.ArtifactUri} {store.Artifacts.Location}"));
        foreach (var prediction in loaded.Model.Predict(SmallModels.Rows()))
        {
            Console.WriteLine(prediction.ToString("R", CultureInfo.InvariantCulture));
        }
    }
}
