using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Jobs;
using ModelOps.Store.Queue;

namespace ModelOps.Jobs.Queue;

/// <summary>
/// A job's config as the queue keeps it: the config sources themselves (each file's or extra's name and text, in merge
/// order), so a worker merges and binds exactly what was submitted, and <c>${env:NAME}</c> resolves where the job runs
/// (the worker's environment). Submitting merges and binds the sources first, with the submitter's environment, so a
/// config that cannot run is refused at once with the config's own message (file, line, path).
/// </summary>
public static class QueuedJobConfig
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>Checks <paramref name="sources"/> (merged left to right) and makes the job to submit, named by the config's <c>run_name</c>, else its first source's file name.</summary>
    /// <param name="sources">The config files and extras, in merge order.</param>
    /// <param name="kinds">The config language (every job kind a worker can run).</param>
    /// <param name="environment">Resolves <c>${env:NAME}</c> for the check; default: this process's environment.</param>
    /// <param name="maxAttempts">The most attempts the job gets.</param>
    /// <exception cref="ConfigException">The sources do not make a job config; the message names the source, line and path.</exception>
    public static NewQueuedJob Prepare(IReadOnlyList<ConfigSource> sources, ConfigKinds kinds, Func<string, string?>? environment = null, int maxAttempts = 3)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(kinds);
        var job = Bind(sources, kinds, environment);
        return new NewQueuedJob(job.Kind, job.RunName ?? Path.GetFileName(sources[0].Name), ToJson(sources)) { MaxAttempts = maxAttempts };
    }

    /// <summary>Binds the job of a queued config (<see cref="QueuedJob.Config"/>), as a worker runs it.</summary>
    /// <exception cref="ConfigException">The config does not bind (here: in the worker's environment), or is not a queued config.</exception>
    public static Job Bind(string config, ConfigKinds kinds, Func<string, string?>? environment = null) =>
        Bind(Sources(config), kinds, environment);

    /// <summary>The sources of a queued config, in merge order.</summary>
    /// <exception cref="ConfigException">The text is not a queued config (<c>{"sources": [{"name", "text"}, ...]}</c>).</exception>
    public static IReadOnlyList<ConfigSource> Sources(string config)
    {
        ArgumentNullException.ThrowIfNull(config);
        try
        {
            var sources = JsonNode.Parse(config)?["sources"]?.AsArray()
                ?? throw new FormatException("it has no sources array");
            return [.. sources.Select(s => new ConfigSource(
                (string?)s?["name"] ?? throw new FormatException("a source has no name"),
                (string?)s?["text"] ?? throw new FormatException("a source has no text")))];
        }
        catch (Exception error) when (error is JsonException or FormatException or InvalidOperationException)
        {
            throw new ConfigException(new ConfigProblem("queued config", 0, string.Empty, $"not a queued job config: {error.Message}"));
        }
    }

    private static Job Bind(IReadOnlyList<ConfigSource> sources, ConfigKinds kinds, Func<string, string?>? environment)
    {
        var loader = environment is null ? new ConfigLoader() : new ConfigLoader(environment);
        return new ConfigBinder(kinds).Bind<JobConfig>(loader.Merge(sources)).Job;
    }

    private static string ToJson(IReadOnlyList<ConfigSource> sources)
    {
        var array = new JsonArray();
        foreach (var source in sources)
        {
            array.Add(new JsonObject { ["name"] = source.Name, ["text"] = source.Text });
        }

        return new JsonObject { ["sources"] = array }.ToJsonString(Compact);
    }
}
