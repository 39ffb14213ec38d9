using System.Security.Cryptography;
using System.Text;
using ModelOps.Jobs.Import.Metadata;

namespace ModelOps.Jobs.Tests.Import.Metadata;

public sealed class MetadataImportTests
{
    [Theory]
    [InlineData("Accuracy: 91.2%\n", "report.txt is not JSON: line 1, byte 1: 'A' is an invalid start of a value")]
    [InlineData("{\n  \"model_name\": \"m\",\n  \"metrics\": {\"accuracy\": 0.9\n}\n", "report.txt is not JSON: line 5, byte 1: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed")]
    [InlineData("{\"a\": 1} {\"b\": 2}", "report.txt is not JSON: line 1, byte 10: '{' is invalid after a single JSON value. Expected end of data")]
    [InlineData(" \n ", "report.txt is empty; upload the model's metadata as a JSON document")]
    public async Task ProposeAsync_NotJson_NamesTheFileLineAndByte(string text, string message)
    {
        var error = await Assert.ThrowsAsync<MetadataImportException>(() => MetadataImport.ProposeAsync(Encoding.UTF8.GetBytes(text), "report.txt", llm: null));

        Assert.Equal(MetadataImportErrorKind.NotJson, error.Kind);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Apply_NotJson_IsTheSameError()
    {
        var error = Assert.Throws<MetadataImportException>(() => MetadataImport.Apply("PK\u0003\u0004"u8.ToArray(), "model.zip", new MappingSpec([])));

        Assert.Equal("model.zip is not JSON: line 1, byte 1: 'P' is an invalid start of a value", error.Message);
    }

    [Fact]
    public async Task ProposeAsync_Proposal_CarriesDigestRulesWithSamplesAndNoAttempts()
    {
        var bytes = MetadataFixtures.Source(MetadataFixtures.Report);

        var proposal = await MetadataImport.ProposeAsync(bytes, "report.json", llm: null);

        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), proposal.SourceDigest);
        Assert.Equal("report.json", proposal.FileName);
        Assert.Empty(proposal.Attempts);
        Assert.Null(proposal.DeterministicSpec);
        Assert.Equal(proposal.Spec.Rules, proposal.Rules.Select(r => r.Rule));
        var accuracy = Assert.Single(proposal.Rules, r => r.Rule.Target == "metrics.accuracy");
        Assert.Equal(new RuleSample(new MappingRule("$.results.Accuracy", "metrics.accuracy", MappingTransform.ScalePercent), "\"91.2%\"", 1), accuracy);
        Assert.Equal(0.912, proposal.Metadata!.Metrics["accuracy"]);
    }

    [Fact]
    public async Task Apply_UsersEditedSpec_IsAppliedAndRevalidated()
    {
        var bytes = MetadataFixtures.Source(MetadataFixtures.Report);
        var proposal = await MetadataImport.ProposeAsync(bytes, "report.json", llm: null);

        // The user drops the scaling of accuracy: the result is shown with the error, and nothing is valid to save.
        var edited = new MappingSpec([.. proposal.Spec.Rules.Select(r => r.Target == "metrics.accuracy" ? r with { Transform = MappingTransform.None } : r)]);
        var applied = MetadataImport.Apply(bytes, "report.json", edited.ToJson());

        Assert.Equal(MappingOrigin.User, applied.Origin);
        Assert.Equal(proposal.SourceDigest, applied.SourceDigest);
        Assert.Equal("/metrics/accuracy: must be a number, got string \"91.2%\"", Assert.Single(applied.Errors).ToString());
        Assert.False(applied.IsValid);
        Assert.Null(applied.Metadata);
    }

    [Fact]
    public async Task ProposeAsync_OptionsOutOfRange_ListsEveryProblem()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            MetadataImport.ProposeAsync("{}"u8.ToArray(), "m.json", llm: null, new MetadataImportOptions { MaxRetries = 11, SampleArrayItems = 0 }));

        Assert.Equal("Invalid metadata import options: The field MaxRetries must be between 0 and 10. The field SampleArrayItems must be between 1 and 100.", error.Message);
    }

    [Fact]
    public async Task ProposeAsync_FileWithoutAnythingToMap_ProposesNothingAndSaysNameIsMissing()
    {
        var proposal = await MetadataImport.ProposeAsync("""{"hello": "world"}"""u8.ToArray(), "m.json", llm: null);

        Assert.Empty(proposal.Spec.Rules);
        Assert.Equal("/name: is required but missing", Assert.Single(proposal.Errors).ToString());
    }
}
