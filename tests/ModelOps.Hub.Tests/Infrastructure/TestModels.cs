using System.Globalization;
using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;
using ModelOps.Jobs.Datasets;
using ModelOps.Store;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

namespace ModelOps.Hub.Tests.Infrastructure;

/// <summary>
/// Small real models, trained once per test run: three gradient-boosting regressors on the bike
/// data (different sizes, so they predict differently) and a gradient-boosting classifier on the
/// German credit data; registered like <c>modelops models import</c> does (run, artifact, signature).
/// </summary>
internal static class TestModels
{
    public static readonly string[] BikeInputs = ["season", "hr", "weekday", "workingday", "weathersit", "temp", "hum", "windspeed"];

    public static readonly string[] CreditInputs = ["checking_status", "duration", "credit_amount", "age", "housing"];

    private static readonly Lazy<Model[]> BikeModels = new(TrainBike);

    private static readonly Lazy<Model> CreditModel = new(TrainCredit);

    public static IReadOnlyList<Model> Bike => BikeModels.Value;

    public static Model Credit => CreditModel.Value;

    public static string Root { get; } = FindRoot();

    /// <summary>Row <paramref name="row"/> of <paramref name="rows"/> as a predict request's record (a JSON object).</summary>
    public static string RecordJson(Frame rows, int row)
    {
        var parts = new List<string>();
        foreach (var column in rows.Columns)
        {
            var value = column switch
            {
                Float64Column f => f.Values[row].ToString("R", CultureInfo.InvariantCulture),
                Int64Column i => i.Values[row].ToString(CultureInfo.InvariantCulture),
                _ => throw new InvalidOperationException(column.GetType().Name),
            };
            parts.Add($"\"{column.Name}\":{value}");
        }

        return "{" + string.Join(',', parts) + "}";
    }

    public static Frame BikeRows(int count) => Dataset.ReadCsv(Path.Combine(Root, "data", "bike_sharing", "hour.csv")).Select(BikeInputs).Head(count);

    /// <summary>Registers bike versions 1..3 and credit version 1.</summary>
    public static async Task RegisterAllAsync(IModelStore store)
    {
        for (var i = 0; i < Bike.Count; i++)
        {
            await RegisterAsync(store, "bike", Bike[i]);
        }

        await RegisterAsync(store, "credit", Credit);
    }

    public static async Task<ModelVersion> RegisterAsync(IModelStore store, string name, Model model)
    {
        var run = await store.StartRunAsync("hub-tests", new RunStart { Name = $"train-{name}" });
        var version = await store.RegisterAsync(new ModelRegistration(name, model, run.Id));
        await store.EndRunAsync(run.Id, RunStatus.Finished);
        return version;
    }

    /// <summary>A model as the hub's model cache holds it (an unregistered version record around it).</summary>
    public static LoadedModel Loaded(Model model, string name = "bike", int version = 1) =>
        new(new ModelVersion(name, version, null, $"file:///{name}/{version}/model.json", ModelFile.SignatureJson(model), ModelVersionStatus.Ready, null, DateTimeOffset.UnixEpoch, new Dictionary<string, string>(), []), model);

    private static Model[] TrainBike()
    {
        var data = Dataset.ReadCsv(Path.Combine(Root, "data", "bike_sharing", "hour.csv"));
        var inputs = data.Select(BikeInputs);
        var target = data["cnt"];
        var models = new Model[3];
        int[] iterations = [30, 12, 4];
        for (var i = 0; i < models.Length; i++)
        {
            models[i] = new Model([new PassthroughStep(BikeInputs)], new GradientBoostingRegressorOptions { MaxIter = iterations[i], LearningRate = 0.3, Seed = i });
            models[i].Fit(inputs, target);
        }

        return models;
    }

    private static Model TrainCredit()
    {
        var data = Dataset.ReadCsv(Path.Combine(Root, "data", "german_credit", "german_credit.csv"));
        var model = new Model(
            [new OneHotStep(["checking_status", "housing"]), new PassthroughStep(["duration", "credit_amount", "age"])],
            new GradientBoostingClassifierOptions { MaxIter = 20 });
        model.Fit(data.Select(CreditInputs), data["default"]);
        return model;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelOps.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ModelOps.slnx above {AppContext.BaseDirectory}.");
    }
}
