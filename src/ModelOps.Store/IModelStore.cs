using ModelOps.Store.Artifacts;
using ModelOps.Store.Auth;
using ModelOps.Store.Connectors;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;
using ModelOps.Store.Queue;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

namespace ModelOps.Store;

/// <summary>
/// The tracking store and the model registry over one database, opened by
/// <see cref="StoreFactory"/>, with the hub's parts of the same database as properties
/// (<see cref="Groups"/>, <see cref="InferenceLog"/>, <see cref="Tokens"/>). Thread-safe: each call uses its own pooled connection, so one
/// instance serves any number of concurrent callers. Disposing it closes its connections.
/// </summary>
public interface IModelStore : ITrackingStore, IModelRegistry, IAsyncDisposable, IDisposable
{
    /// <summary>The database behind this store.</summary>
    StoreBackend Backend { get; }

    /// <summary>Where the database is, for messages: the SQLite file path, or <c>host:port/database</c> (never a password).</summary>
    string Location { get; }

    /// <summary>
    /// How commits reach the disk, in the words of the location's options: on SQLite
    /// <c>synchronous=full|normal&amp;checkpoint=auto|background</c> (or <c>mode=ro</c>), on PostgreSQL
    /// <c>server</c> (the server's <c>synchronous_commit</c>).
    /// </summary>
    string Durability { get; }

    /// <summary>The schema version of the database after migrations were applied.</summary>
    int SchemaVersion { get; }

    /// <summary>Where artifact files are kept.</summary>
    IArtifactStore Artifacts { get; }

    /// <summary>Model groups and their audit, in this store's database.</summary>
    IGroupStore Groups { get; }

    /// <summary>The inference log of every group, in this store's database.</summary>
    IInferenceLogStore InferenceLog { get; }

    /// <summary>The hub's API tokens, in this store's database.</summary>
    ITokenStore Tokens { get; }

    /// <summary>The connectors to LLM providers, their API keys encrypted (<see cref="IConnectorStore"/>).</summary>
    IConnectorStore Connectors { get; }

    /// <summary>The durable job queue the workers take jobs from (<see cref="IJobQueue"/>).</summary>
    IJobQueue Jobs { get; }
}
