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

// Prepares a hub database for bench/hub.sh: trains the bike gradient-boosting regressor of
// configs/bike/training.yaml (one-hot season and weathersit, 10 passthrough inputs; 300 iterations,
// learning rate 0.1, 31 leaves; the first 80% of the hours), registers it, creates group 'bike' (the model as 100% Champion) and a
// predictor token, and prints the token's secret on stdout.
//   hub-setup DATABASE REPO_ROOT ARTIFACT_FOLDER
if (args is not [var database, var root, var artifacts])
{
    await Console.Error.WriteLineAsync("usage: hub-setup DATABASE REPO_ROOT ARTIFACT_FOLDER");
    return 2;
}

string[] oneHot = ["season", "weathersit"];
string[] numeric = ["yr", "mnth", "hr", "holiday", "weekday", "workingday", "temp", "atemp", "hum", "windspeed"];
var data = Dataset.ReadCsv(Path.Combine(root, "data", "bike_sharing", "hour.csv"));
var train = data.Head((int)(data.RowCount * 0.8));
var model = new Model(
    [new OneHotStep(oneHot), new PassthroughStep(numeric)],
    new GradientBoostingRegressorOptions { MaxIter = 300, LearningRate = 0.1, MaxLeafNodes = 31 });
model.Fit(train.Select([.. oneHot, .. numeric]), train["cnt"]);

await using var store = await StoreFactory.OpenAsync(database, new StoreOptions { ArtifactRoot = artifacts });
var run = await store.StartRunAsync("bench", new RunStart { Name = "bike-gbr-300" });
await store.RegisterAsync(new ModelRegistration("bike", model, run.Id));

await store.EndRunAsync(run.Id, RunStatus.Finished);
await store.Groups.CreateGroupAsync(new NewModelGroup("bike", [new GroupMember("bike", 1, GroupRole.Champion, 100)], GroupDeletionPolicy.Delete), "bench");
var token = await store.Tokens.CreateTokenAsync("bench", TokenRole.Predictor);
Console.WriteLine(token.Secret);
await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"hub-setup: bike/1 ({model.FeatureNames.Count} features, 300 trees of up to 31 leaves) in group 'bike' at {store.Location}"));
return 0;
