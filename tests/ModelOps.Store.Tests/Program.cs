using System.Globalization;
using ModelOps.Store.Registry;

namespace ModelOps.Store.Tests;

/// <summary>
/// Entry point used only when a test re-launches this assembly as a separate writer process:
/// <c>dotnet ModelOps.Store.Tests.dll register LOCATION MODEL COUNT GO_FILE</c> opens the store,
/// prints <c>ready</c>, waits for GO_FILE to exist (so every process starts writing at once),
/// registers COUNT versions and prints each number. The test runner never calls it.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["register", var location, var model, var countText, var goFile])
        {
            await Console.Error.WriteLineAsync("usage: register LOCATION MODEL COUNT GO_FILE");
            return 2;
        }

        var count = int.Parse(countText, CultureInfo.InvariantCulture);
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
}
