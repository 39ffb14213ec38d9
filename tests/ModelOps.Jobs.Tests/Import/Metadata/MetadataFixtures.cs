using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Jobs.Import.Metadata;

namespace ModelOps.Jobs.Tests.Import.Metadata;

/// <summary>The six metadata files of <c>tests/fixtures/metadata/</c>, each with its expected metadata and its correct spec.</summary>
internal static class MetadataFixtures
{
    public const string MlflowRun = "mlflow_run";
    public const string SageMaker = "sagemaker_model_package";
    public const string HuggingFace = "huggingface_model_card";
    public const string Seed = "seed_model_performance";
    public const string Vertex = "vertex_model_evaluations";
    public const string Report = "hand_written_report";

    public static readonly string[] All = [MlflowRun, SageMaker, HuggingFace, Seed, Vertex, Report];

    public static byte[] Source(string name) => File.ReadAllBytes(Path(name + ".json"));

    public static JsonNode Expected(string name) => JsonNode.Parse(File.ReadAllText(Path(name + ".expected.json")))!;

    public static MappingSpec Spec(string name) => MappingSpec.Parse(File.ReadAllText(Path(name + ".spec.json")));

    public static string Path(string file) => RepoPaths.Combine("tests", "fixtures", "metadata", file);

    /// <summary>Asserts that the mapped document equals the expected one, showing both in full when it does not.</summary>
    public static void AssertMapped(JsonNode expected, JsonElement mapped)
    {
        var actual = JsonNode.Parse(mapped.GetRawText());
        if (!JsonNode.DeepEquals(expected, actual))
        {
            var options = new JsonSerializerOptions { WriteIndented = true };
            Assert.Fail($"Mapped metadata differs.\nExpected:\n{expected.ToJsonString(options)}\nActual:\n{actual!.ToJsonString(options)}");
        }
    }
}
