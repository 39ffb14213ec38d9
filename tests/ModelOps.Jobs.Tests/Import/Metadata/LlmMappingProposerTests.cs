using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Jobs.Import.Metadata;

namespace ModelOps.Jobs.Tests.Import.Metadata;

/// <summary>
/// The LLM loop through a real OpenAI client (and once each through Anthropic's and Google's) against a local stub of the
/// provider's wire protocol: what the LLM is sent, how its answers are read, the retries and the final error.
/// </summary>
public sealed class LlmMappingProposerTests
{
    private const string HuggingFace = MetadataFixtures.HuggingFace;

    [Fact]
    public async Task ProposeAsync_CorrectSpecFirst_IsTheProposalAndTheLlmWasSentSchemaDeterministicSpecAndSample()
    {
        await using var llm = StubLlm.Start(LlmProtocol.OpenAI);
        llm.Stub.Enqueue(LlmStubReply.Text(File.ReadAllText(MetadataFixtures.Path(HuggingFace + ".spec.json"))));

        var proposal = await MetadataImport.ProposeAsync(MetadataFixtures.Source(HuggingFace), "README.json", llm.Client);

        Assert.True(proposal.IsValid);
        Assert.Equal(MappingOrigin.Llm, proposal.Origin);
        Assert.Equal(MetadataFixtures.Spec(HuggingFace), proposal.Spec);
        MetadataFixtures.AssertMapped(MetadataFixtures.Expected(HuggingFace), proposal.Mapped);
        MetadataFixtures.AssertMapped(MetadataFixtures.Expected(HuggingFace), JsonSerializer.SerializeToElement(proposal.Metadata!.ToJson()));
        var attempt = Assert.Single(proposal.Attempts);
        Assert.True(attempt.IsValid);

        var request = Assert.Single(llm.Stub.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("gpt-4o-mini", request.Model);
        Assert.Equal("""{"type":"json_object"}""", request.Json!["response_format"]!.ToJsonString());
        var system = request.Json["messages"]![0]!;
        Assert.Equal("system", system["role"]!.GetValue<string>());
        Assert.Equal(MappingPrompt.System, Text(system["content"]));
        var prompt = request.Prompt!;
        Assert.Equal(attempt.Request, prompt);
        Assert.Contains($"\"$id\": \"{ModelMetadataSchema.Id}\"", prompt, StringComparison.Ordinal);
        Assert.Contains(ModelMetadataSchema.Text, prompt, StringComparison.Ordinal);
        Assert.Contains(
            "## The deterministic mapper's spec (a start: keep what is right, fix what is wrong, add what is missing)\n" +
            proposal.DeterministicSpec!.ToJson() +
            "\nApplied to the file it gives valid metadata with no problems.\n",
            prompt,
            StringComparison.Ordinal);
        Assert.Contains("""{"language":"en","license":"apache-2.0","library_name":"sklearn","tags":["sklearn","skops","tabular-classification","… 1 more item"],""", prompt, StringComparison.Ordinal);
        // The card's fourth tag is counted, not shown.
        Assert.DoesNotContain("\"credit-risk\"", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProposeAsync_InvalidSpecThenCorrected_SendsTheProblemsAndErrorsBackAndProposesTheCorrection()
    {
        await using var llm = StubLlm.Start(LlmProtocol.OpenAI);
        var correct = MetadataFixtures.Spec(MetadataFixtures.Report);
        // The first answer forgets to scale accuracy and recall, and names the F1 score as it is not written.
        var wrong = new MappingSpec([.. correct.Rules.Select(rule => rule.Target switch
        {
            "metrics.accuracy" or "metrics.recall" => rule with { Transform = MappingTransform.None },
            "metrics.f1" => rule with { Source = "$.results.F1" },
            _ => rule,
        })]);
        llm.Stub.Enqueue(LlmStubReply.Text(wrong.ToJson()), LlmStubReply.Text(correct.ToJson()));

        var proposal = await MetadataImport.ProposeAsync(MetadataFixtures.Source(MetadataFixtures.Report), "report.json", llm.Client);

        Assert.Equal(2, llm.Stub.Requests.Count);
        var second = llm.Stub.Requests[1];
        Assert.Equal(
            """
            Your spec was applied to the file. It gives:
            Rule problems (rules[i] is the i-th rule, from 0):
            - rules[7]: $.results.F1 does not exist ($.results has Accuracy, Precision, Recall, F1 Score, ROC AUC, Log loss)
            Validation errors of the mapped metadata (JSON Pointer instance paths):
            - /metrics/accuracy: must be a number, got string "91.2%"
            - /metrics/recall: must be at most 1, got 84
            Answer with the whole corrected spec as one JSON object {"rules": [...]}, nothing else.
            """,
            second.Prompt!.ReplaceLineEndings("\n"));
        // The same conversation: the instructions, the first request, the first answer, the feedback.
        var messages = second.Json!["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal(llm.Stub.Requests[0].Prompt, Text(messages[1]!["content"]));
        Assert.Equal(wrong.ToJson(), Text(messages[2]!["content"]));

        Assert.Equal(2, proposal.Attempts.Count);
        Assert.False(proposal.Attempts[0].IsValid);
        Assert.Equal(wrong, proposal.Attempts[0].Spec);
        Assert.Equal(second.Prompt, proposal.Attempts[1].Request);
        Assert.True(proposal.IsValid);
        Assert.Equal(MappingOrigin.Llm, proposal.Origin);
        Assert.Equal(correct, proposal.Spec);
        MetadataFixtures.AssertMapped(MetadataFixtures.Expected(MetadataFixtures.Report), proposal.Mapped);
    }

    [Fact]
    public async Task ProposeAsync_NeverASpec_FailsAfterMaxRetriesPlusOneRequestsWithTheLastReason()
    {
        await using var llm = StubLlm.Start(LlmProtocol.OpenAI);
        llm.Stub.Enqueue(
            LlmStubReply.Text("Sure! The name is in $.model and the accuracy in $.results.Accuracy."),
            LlmStubReply.Text(""),
            LlmStubReply.Text("""{"mapping": {"name": "$.model"}}"""),
            LlmStubReply.Text("""[{"source": "$.model", "target": "name"}]"""));

        var error = await Assert.ThrowsAsync<MetadataImportException>(() =>
            MetadataImport.ProposeAsync(MetadataFixtures.Source(MetadataFixtures.Report), "report.json", llm.Client));

        Assert.Equal(MetadataImportErrorKind.LlmAnswerNotSpec, error.Kind);
        Assert.Equal("The LLM did not answer with a mapping spec in 4 attempts; the last answer: it is a JSON array; a spec is an object {\"rules\": [...]}", error.Message);
        Assert.Equal(new MetadataImportOptions().MaxRetries + 1, llm.Stub.Requests.Count);
        Assert.Equal(
            [
                "Your answer is not a mapping spec: it is not JSON (line 1, byte 1: 'S' is an invalid start of a value). Answer with the whole spec as one JSON object {\"rules\": [...]}, nothing else.",
                "Your answer is not a mapping spec: the answer is empty. Answer with the whole spec as one JSON object {\"rules\": [...]}, nothing else.",
                "Your answer is not a mapping spec: it has no \"rules\" array; a spec is an object {\"rules\": [{\"source\": \"$...\", \"target\": \"...\", \"transform\": \"none\"}]}. Answer with the whole spec as one JSON object {\"rules\": [...]}, nothing else.",
            ],
            llm.Stub.Requests.Skip(1).Select(r => r.Prompt));
        Assert.Equal([1, 2, 3, 4], error.Attempts.Select(a => a.Number));
        Assert.All(error.Attempts, a => Assert.Null(a.Spec));
    }

    [Theory]
    [InlineData("```json\nSPEC\n```")]
    [InlineData("```\nSPEC\n```")]
    [InlineData("\n  ```json\nSPEC\n```  \n")]
    // Whatever follows the closing fence is dropped with it.
    [InlineData("```json\nSPEC\n```\nThis spec maps the name, the task, the widget's columns and the metrics.")]
    public async Task ProposeAsync_SpecInACodeFence_IsReadAtTheFirstAttempt(string answer)
    {
        await using var llm = StubLlm.Start(LlmProtocol.OpenAI);
        var spec = MetadataFixtures.Spec(HuggingFace);
        llm.Stub.Enqueue(LlmStubReply.Text(answer.Replace("SPEC", spec.ToJson(), StringComparison.Ordinal)));

        var proposal = await MetadataImport.ProposeAsync(MetadataFixtures.Source(HuggingFace), "README.json", llm.Client);

        Assert.True(proposal.IsValid);
        Assert.Equal(spec, proposal.Spec);
        Assert.Single(proposal.Attempts);
        Assert.Single(llm.Stub.Requests);
    }

    [Theory]
    [InlineData("Here is the spec:\n```json\nSPEC\n```", "it is not JSON (line 1, byte 1: 'H' is an invalid start of a value)")]
    [InlineData("SPEC\nThis spec maps the name.", "it is not JSON (line 2, byte 1: 'T' is invalid after a single JSON value. Expected end of data)")]
    // A fence on the spec's own line is not taken for one.
    [InlineData("```json SPEC ```", "it is not JSON (line 1, byte 1: '`' is an invalid start of a value)")]
    public async Task ProposeAsync_ProseBeforeTheSpecOrAfterAnUnfencedOne_IsNotASpecAndIsAskedAgain(string answer, string why)
    {
        await using var llm = StubLlm.Start(LlmProtocol.OpenAI);
        var spec = MetadataFixtures.Spec(HuggingFace);
        var compact = spec.ToJsonObject().ToJsonString();
        llm.Stub.Enqueue(LlmStubReply.Text(answer.Replace("SPEC", compact, StringComparison.Ordinal)), LlmStubReply.Text(compact));

        var proposal = await MetadataImport.ProposeAsync(MetadataFixtures.Source(HuggingFace), "README.json", llm.Client);

        Assert.Equal(why, proposal.Attempts[0].NotASpec);
        Assert.Equal($"Your answer is not a mapping spec: {why}. Answer with the whole spec as one JSON object {{\"rules\": [...]}}, nothing else.", llm.Stub.Requests[1].Prompt);
        Assert.Equal(2, proposal.Attempts.Count);
        Assert.True(proposal.IsValid);
        Assert.Equal(spec, proposal.Spec);
    }

    [Fact]
    public async Task ProposeAsync_HundredThousandPointRoc_SendsABoundedSampleNotTheFile()
    {
        await using var llm = StubLlm.Start(LlmProtocol.OpenAI);
        llm.Stub.Enqueue(LlmStubReply.Text("""{"rules": [{"source": "$.model_name", "target": "name"}]}"""));
        var source = Encoding.UTF8.GetBytes(Roc(100_000));
        var options = new MetadataImportOptions();

        var proposal = await MetadataImport.ProposeAsync(source, "evaluation.json", llm.Client, options);

        Assert.True(source.Length > 3_000_000, $"{source.Length} bytes");
        var request = Assert.Single(llm.Stub.Requests);
        var sample = """{"model_name":"churn-gbm","task":"binary_classification","metrics":{"roc_auc":0.93},"roc_curve":{"false_positive_rates":[0,1E-05,2E-05,"… 99,997 more items"],"true_positive_rates":[0,0.0031622776601683794,0.00447213595499958,"… 99,997 more items"],"thresholds":[1,0.99999,0.99998,"… 99,997 more items"]}}""";
        Assert.Contains("\n" + sample + "\n", request.Prompt, StringComparison.Ordinal);
        // docs/import.md bounds the file's part of the request, the sample, at SampleMaxChars; the rest is the
        // instructions, the schema, the dialect and the deterministic spec (1,000: the headings and the JSON envelope).
        var rest = JsonSerializer.Serialize(MappingPrompt.System + ModelMetadataSchema.Text + MappingPrompt.Dialect + proposal.DeterministicSpec!.ToJson()).Length;
        Assert.InRange(request.Body.Length, 0, rest + options.SampleMaxChars + 1_000);
    }

    [Theory]
    [InlineData(nameof(LlmProtocol.Anthropic))]
    [InlineData(nameof(LlmProtocol.Gemini))]
    public async Task ProposeAsync_AnthropicAndGemini_CarryTheConversationAndTheCorrection(string protocol)
    {
        await using var llm = StubLlm.Start(Enum.Parse<LlmProtocol>(protocol));
        var correct = MetadataFixtures.Spec(HuggingFace);
        var wrong = new MappingSpec([.. correct.Rules.Where(rule => rule.Target != "name")]);
        llm.Stub.Enqueue(LlmStubReply.Text(wrong.ToJson()), LlmStubReply.Text(correct.ToJson()));

        var proposal = await MetadataImport.ProposeAsync(MetadataFixtures.Source(HuggingFace), "README.json", llm.Client);

        Assert.True(proposal.IsValid);
        Assert.Equal(correct, proposal.Spec);
        Assert.Equal(2, proposal.Attempts.Count);
        Assert.Equal(2, llm.Stub.Requests.Count);
        Assert.All(llm.Stub.Requests, request => Assert.Equal(llm.Model, request.Model));
        Assert.Equal(proposal.Attempts[0].Request, llm.Stub.Requests[0].Prompt);
        Assert.Equal(
            """
            Your spec was applied to the file. It gives:
            Validation errors of the mapped metadata (JSON Pointer instance paths):
            - /name: is required but missing
            Answer with the whole corrected spec as one JSON object {"rules": [...]}, nothing else.
            """,
            llm.Stub.Requests[1].Prompt!.ReplaceLineEndings("\n"));
        // The same conversation, in each protocol's words: the instructions apart, then the request, the answer, the feedback.
        var body = llm.Stub.Requests[1].Json!;
        var (system, turns, assistant) = llm.Stub.Protocol == LlmProtocol.Anthropic
            ? (body["system"]![0]!["text"], body["messages"]!.AsArray(), "assistant")
            : (body["systemInstruction"]!["parts"]![0]!["text"], body["contents"]!.AsArray(), "model");
        Assert.Equal(MappingPrompt.System, system!.GetValue<string>());
        Assert.Equal(["user", assistant, "user"], turns.Select(turn => turn!["role"]!.GetValue<string>()));
    }

    /// <summary>A model's evaluation with a ROC curve of <paramref name="points"/> points as parallel arrays.</summary>
    private static string Roc(int points)
    {
        var fpr = new double[points];
        var tpr = new double[points];
        var thresholds = new double[points];
        for (var i = 0; i < points; i++)
        {
            fpr[i] = i / (double)points;
            tpr[i] = Math.Sqrt(fpr[i]);
            thresholds[i] = 1 - fpr[i];
        }

        return JsonSerializer.Serialize(new
        {
            model_name = "churn-gbm",
            task = "binary_classification",
            metrics = new { roc_auc = 0.93 },
            roc_curve = new { false_positive_rates = fpr, true_positive_rates = tpr, thresholds },
        });
    }

    private static string Text(JsonNode? content) =>
        content is JsonValue value ? value.GetValue<string>() : string.Concat(content!.AsArray().Select(part => part!["text"]!.GetValue<string>()));
}
