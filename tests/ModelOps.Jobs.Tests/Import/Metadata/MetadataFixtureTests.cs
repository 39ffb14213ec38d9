using ModelOps.Jobs.Import.Metadata;

namespace ModelOps.Jobs.Tests.Import.Metadata;

/// <summary>The six differently shaped metadata files: what the deterministic mapper alone makes of them, and what the correct specs do.</summary>
public sealed class MetadataFixtureTests
{
    public static TheoryData<string> DeterministicExact => [MetadataFixtures.MlflowRun, MetadataFixtures.SageMaker, MetadataFixtures.Seed, MetadataFixtures.Vertex, MetadataFixtures.Report];

    public static TheoryData<string> All => [.. MetadataFixtures.All];

    [Theory]
    [MemberData(nameof(DeterministicExact))]
    public async Task ProposeAsync_DeterministicMapperAlone_MapsTheFileExactly(string fixture)
    {
        var proposal = await MetadataImport.ProposeAsync(MetadataFixtures.Source(fixture), fixture + ".json", llm: null);

        Assert.Equal(MappingOrigin.Deterministic, proposal.Origin);
        Assert.Empty(proposal.Problems);
        Assert.Empty(proposal.Errors);
        Assert.True(proposal.IsValid);
        Assert.NotNull(proposal.Metadata);
        MetadataFixtures.AssertMapped(MetadataFixtures.Expected(fixture), proposal.Mapped);
    }

    [Fact]
    public async Task ProposeAsync_HuggingFaceCardAlone_MapsNameTaskAndMetricsButNotTheWidgetsFeatures()
    {
        // The card's features are only the keys of its widget's example rows, and its tags are a list of words:
        // no key of the synonym tables names them, so the deterministic mapper leaves them to the LLM.
        var proposal = await MetadataImport.ProposeAsync(MetadataFixtures.Source(MetadataFixtures.HuggingFace), "README.json", llm: null);

        Assert.True(proposal.IsValid);
        var expected = MetadataFixtures.Expected(MetadataFixtures.HuggingFace).AsObject();
        expected.Remove("features");
        expected.Remove("tags");
        MetadataFixtures.AssertMapped(expected, proposal.Mapped);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Apply_CorrectSpec_MapsTheFileExactly(string fixture)
    {
        var proposal = MetadataImport.Apply(MetadataFixtures.Source(fixture), fixture + ".json", MetadataFixtures.Spec(fixture));

        Assert.Equal(MappingOrigin.User, proposal.Origin);
        Assert.Empty(proposal.Problems);
        Assert.Empty(proposal.Errors);
        Assert.NotNull(proposal.Metadata);
        MetadataFixtures.AssertMapped(MetadataFixtures.Expected(fixture), proposal.Mapped);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Expected_EveryFixture_IsValidMetadataThatRoundTrips(string fixture)
    {
        var expected = MetadataFixtures.Expected(fixture);

        Assert.Empty(ModelMetadataSchema.Validate(expected));
        var metadata = ModelMetadata.FromJson(expected);
        MetadataFixtures.AssertMapped(expected, System.Text.Json.JsonSerializer.SerializeToElement(metadata.ToJson()));
    }
}
