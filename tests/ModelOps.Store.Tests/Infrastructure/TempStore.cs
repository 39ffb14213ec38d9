namespace ModelOps.Store.Tests.Infrastructure;

/// <summary>
/// A SQLite store of its own in a fresh temp folder (<see cref="TempFolder"/>; artifacts in its <c>artifacts</c> folder): a
/// test class opens it in <c>InitializeAsync</c> and disposes it in <c>DisposeAsync</c>, which closes the store, then
/// deletes the folder.
/// </summary>
internal sealed class TempStore : IAsyncDisposable
{
    private TempStore(TempFolder folder, IModelStore store)
    {
        Folder = folder;
        Store = store;
    }

    /// <summary>The folder holding the database and the artifacts.</summary>
    public TempFolder Folder { get; }

    /// <summary>The open store.</summary>
    public IModelStore Store { get; }

    /// <summary>Creates the folder (named <paramref name="prefix"/> and a random suffix) and opens a new store in it.</summary>
    public static async Task<TempStore> OpenAsync(string prefix = "modelops-store-")
    {
        var folder = new TempFolder(prefix);
        try
        {
            var store = await StoreFactory.OpenAsync(folder.Combine("modelops.db"), new StoreOptions { ArtifactRoot = folder.Combine("artifacts") });
            return new TempStore(folder, store);
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Folder.Dispose();
    }
}
