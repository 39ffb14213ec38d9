using ModelOps.Core.Features;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;
using ModelOps.Jobs.Datasets;
using ModelOps.Store;
using ModelOps.Store.Registry;

namespace ModelOps.Cli.Tests;

/// <summary>A small bike-demand model (10 boosting rounds on 8 inputs of the shipped data), registered as <c>bike</c> version 1.</summary>
internal static class BikeModel
{
    public static readonly string[] Inputs = ["season", "hr", "weekday", "workingday", "weathersit", "temp", "hum", "windspeed"];

    /// <summary>Trains the model and registers it in <paramref name="database"/> (artifacts under <paramref name="artifactRoot"/> on SQLite).</summary>
    public static async Task RegisterAsync(string database, string artifactRoot)
    {
        var data = Dataset.ReadCsv(Path.Combine(CliProcess.RepoRoot, "data", "bike_sharing", "hour.csv"));
        var model = new Model([new PassthroughStep(Inputs)], new GradientBoostingRegressorOptions { MaxIter = 10 });
        model.Fit(data.Select(Inputs), data["cnt"]);
        await using var store = await StoreFactory.OpenAsync(database, new StoreOptions { ArtifactRoot = artifactRoot });
        var run = await store.StartRunAsync("cli-tests");
        await store.RegisterAsync(new ModelRegistration("bike", model, run.Id));
    }
}
