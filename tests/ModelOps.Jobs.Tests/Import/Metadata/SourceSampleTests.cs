using System.Text;
using System.Text.Json;
using ModelOps.Jobs.Import.Metadata;

namespace ModelOps.Jobs.Tests.Import.Metadata;

public sealed class SourceSampleTests
{
    [Fact]
    public void Build_HundredThousandItemArray_IsCutToAFewItemsAndACount()
    {
        var json = new StringBuilder("""{"name": "m", "curve": [""");
        for (var i = 0; i < 100_000; i++)
        {
            json.Append(i == 0 ? string.Empty : ",").Append("{\"fpr\":").Append(i / 100_000.0).Append('}');
        }

        json.Append("]}");
        using var document = JsonDocument.Parse(json.ToString());

        var sample = SourceSample.Build(document.RootElement, new MetadataImportOptions());

        Assert.Equal("""{"name":"m","curve":[{"fpr":0},{"fpr":1E-05},{"fpr":2E-05},"… 99,997 more items"]}""", sample);
    }

    [Fact]
    public void Build_LongString_IsShortenedWithACount()
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(new { features = string.Join("; ", Enumerable.Range(0, 100).Select(i => $"feature_{i}")) }));

        var sample = SourceSample.Build(document.RootElement, new MetadataImportOptions { SampleStringLength = 30 });

        Assert.Equal("""{"features":"feature_0; feature_1; feature_… 1,158 more characters"}""", sample);
    }

    [Fact]
    public void Build_TooLargeForItsLimit_ShowsFewerItemsShorterStringsThenFewerLevels()
    {
        var wide = Enumerable.Range(0, 100).ToDictionary(i => $"column_{i}", i => new { type = "float64", description = new string('d', 150), stats = new { mean = i, values = new[] { 1, 2, 3, 4, 5 } } });
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(new { name = "m", schema = wide }));
        var options = new MetadataImportOptions { SampleMaxChars = 2_000 };

        var sample = SourceSample.Build(document.RootElement, options);

        Assert.True(sample.Length <= 2_000, $"{sample.Length} characters");
        using var parsed = JsonDocument.Parse(sample);
        Assert.Equal("m", parsed.RootElement.GetProperty("name").GetString());
        Assert.Equal("{… 100 members}", parsed.RootElement.GetProperty("schema").GetString());
    }
}
