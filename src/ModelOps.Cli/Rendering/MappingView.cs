using System.Globalization;
using ModelOps.Jobs.Import.Metadata;
using Spectre.Console;

namespace ModelOps.Cli.Rendering;

/// <summary>Shows a metadata import's mapping: each rule with the value it reads, then its problems and validation errors.</summary>
internal static class MappingView
{
    public static void Write(IAnsiConsole console, MetadataProposal proposal)
    {
        var by = proposal.Origin switch
        {
            MappingOrigin.Llm => string.Create(CultureInfo.InvariantCulture, $"proposed by the LLM in {proposal.Attempts.Count} attempt(s)"),
            MappingOrigin.Deterministic => "proposed by the deterministic mapper",
            _ => "your spec",
        };
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Mapping of {proposal.FileName} ({proposal.SourceDigest}): {proposal.Spec.Rules.Count} rules, {by}"));
        var table = new Table().AddColumns("#", "source", "sample", "target", "transform");
        for (var i = 0; i < proposal.Rules.Count; i++)
        {
            var rule = proposal.Rules[i];
            table.AddRow(
                i.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(rule.Rule.Source),
                Markup.Escape(rule.Sample ?? "(none)"),
                Markup.Escape(rule.Rule.Target),
                MappingTransforms.Name(rule.Rule.Transform));
        }

        console.Write(table);
        foreach (var problem in proposal.Problems)
        {
            console.WriteLine($"problem: {problem}");
        }

        foreach (var error in proposal.Errors)
        {
            console.WriteLine($"invalid: {error}");
        }
    }
}
