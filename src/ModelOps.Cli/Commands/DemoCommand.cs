using System.CommandLine;
using ModelOps.Cli.Rendering;
using ModelOps.Jobs.DataChecks;
using Spectre.Console;

namespace ModelOps.Cli.Commands;

/// <summary>
/// <c>modelops demo</c>: the main job on the shipped data. For now it reads both data sets,
/// checks them against their schemas and summarizes every column.
/// </summary>
internal static class DemoCommand
{
    private static readonly (string Title, string Data, string[] Schemas)[] DataSets =
    [
        ("Bike Sharing (regression, target cnt)", "data/bike_sharing/hour.csv", ["configs/schemas/bike_inputs.yaml", "configs/schemas/bike_target.yaml"]),
        ("German Credit (classification, target default)", "data/german_credit/german_credit.csv", ["configs/schemas/credit_inputs.yaml", "configs/schemas/credit_target.yaml"]),
    ];

    public static Command Create(Option<bool> verbose)
    {
        var root = new Option<string>("--root")
        {
            Description = "The ModelOps checkout holding data/ and configs/.",
            DefaultValueFactory = _ => ".",
        };
        var demo = new Command("demo", "Run the demo on the shipped data sets: read, check against their schemas, summarize.");
        demo.Options.Add(root);
        demo.SetAction(parse => CommandRunner.Run(parse.GetValue(verbose), console =>
        {
            var folder = parse.GetRequiredValue(root);
            console.MarkupLine("[bold]ModelOps demo[/]: the shipped data sets, checked against their schemas");
            foreach (var (title, data, schemas) in DataSets)
            {
                console.WriteLine();
                console.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());
                var result = DataCheck.Run(InRoot(folder, data), Array.ConvertAll(schemas, s => InRoot(folder, s)));
                DataCheckView.Render(console, result);
            }

            return ExitCodes.Success;
        }));
        return demo;
    }

    private static string InRoot(string root, string path) => root == "." ? path : Path.Combine(root, path);
}
