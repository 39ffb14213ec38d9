using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
using ModelOps.Store.Artifacts;
using Spectre.Console;

namespace ModelOps.Cli.Commands;

/// <summary>
/// <c>modelops artifacts download RUN_ID PATH [--output FILE]</c> and <c>modelops artifacts download --model REFERENCE [--output FILE]</c>:
/// the same bytes as the hub's download endpoints, written atomically and checked against the recorded sha256.
/// </summary>
internal static class ArtifactsCommand
{
    public static Command Create(StoreCommandOptions options)
    {
        var runId = new Argument<string?>("run-id") { Description = "The run whose artifact to download.", Arity = ArgumentArity.ZeroOrOne };
        var path = new Argument<string?>("path") { Description = "The artifact's path in the run (model.json, trials.csv).", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string?>("--model") { Description = "Download the model file of a registered version instead: NAME@ALIAS, NAME/VERSION or NAME (the latest)." };
        var output = new Option<string?>("--output", "-o") { Description = "The file to write. Default: the artifact's file name in the current folder." };
        var download = new Command("download", "Download an artifact of a run, or a registered version's model file; the bytes are checked against the recorded sha256.");
        download.Arguments.Add(runId);
        download.Arguments.Add(path);
        download.Options.Add(model);
        download.Options.Add(output);
        download.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            var (run, file, reference) = (parse.GetValue(runId), parse.GetValue(path), parse.GetValue(model));
            if (reference is null == (run is null || file is null) || (reference is not null && run is not null))
            {
                throw new ConfigException([new ConfigProblem("modelops artifacts download", 0, string.Empty, "give a run id and an artifact path (modelops artifacts download RUN_ID model.json) or --model NAME@ALIAS, not both")]);
            }

            using var store = options.Open(parse);
            var (record, content) = reference is not null
                ? store.OpenVersionArtifactAsync(store.ResolveAsync(reference).GetAwaiter().GetResult()).GetAwaiter().GetResult()
                : store.OpenRunArtifactAsync(run!, file!).GetAwaiter().GetResult();
            var target = parse.GetValue(output) ?? record.Path[(record.Path.LastIndexOf('/') + 1)..];
            using (content)
            {
                AtomicFile.Write(target, stream =>
                {
                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    var buffer = new byte[81920];
                    for (var read = content.Read(buffer); read > 0; read = content.Read(buffer))
                    {
                        hash.AppendData(buffer, 0, read);
                        stream.Write(buffer, 0, read);
                    }

                    var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
                    if (sha256 != record.Sha256)
                    {
                        throw new IOException($"{record.Uri}: the bytes read have sha256 {sha256}, but the store recorded {record.Sha256}; nothing was written");
                    }
                });
            }

            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"wrote {target} ({record.SizeBytes:N0} bytes, sha256 {record.Sha256})")));
            return ExitCodes.Success;
        }));

        var artifacts = new Command("artifacts", "Work with the artifacts of runs and registered versions.");
        artifacts.Subcommands.Add(download);
        return artifacts;
    }
}
