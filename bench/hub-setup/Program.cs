using System.Globalization;
using ModelOps.Core.Features;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;
using ModelOps.Jobs.Datasets;
using ModelOps.Store;
using ModelOps.Store.Auth;
using ModelOps.Store.Groups;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

// Prepares a hub database for bench/hub.sh: trains a gradient-boosting regressor on the bike data
// (100 iterations, 8 inputs), registers it, creates group 'bike' (the model as 100% Champion) and a
// predictor token, and prints the token's secret on stdout.
//   hub-setup DATABASE REPO_ROOT ARTIFACT_FOLDER
if (args is not [var database, var root, var artifacts])
{
    await Console.Error.WriteLineAsync("usage: hub-setup DATABASE REPO_ROOT ARTIFACT_FOLDER");
    return 2;
}

string[] inputs = ["season", "hr", "weekday", "workingday", "weathersit", "temp", "hum", "windspeed"];
var data = Dataset.ReadCsv(Path.Combine(root, "data", "bike_sharing", "hour.csv"));
var model = new Model([new PassthroughStep(inputs)], new GradientBoostingRegressorOptions { MaxIter = 100 });
model.Fit(data.Select(inputs), data["cnt"]);

await using var store = await StoreFactory.OpenAsync(database, new StoreOptions { ArtifactRoot = artifacts });
var run = await store.StartRunAsync("bench", new RunStart { Name = "bike-gbr-100" });
using (var content = new MemoryStream(ModelFile.ToBytes(model), writable: false))
{
    var artifact = await store.LogArtifactAsync(run.Id, "model.json", content);
    await store.RegisterVersionAsync(new NewModelVersion("bike", artifact.Uri) { RunId = run.Id, Signature = ModelFile.SignatureJson(model) });
}

await store.EndRunAsync(run.Id, RunStatus.Finished);
await store.Hub().CreateGroupAsync(new NewModelGroup("bike", [new GroupMember("bike", 1, GroupRole.Champion, 100)], GroupDeletionPolicy.Delete), "bench");
var token = await store.Hub().CreateTokenAsync("bench", TokenRole.Predictor);
Console.WriteLine(token.Secret);
await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"hub-setup: bike/1 ({model.FeatureNames.Count} features, 100 trees) in group 'bike' at {store.Location}"));
return 0;
