using System.ComponentModel.DataAnnotations;
using ModelOps.Core.Features;
using ModelOps.Jobs.Configuration;

namespace ModelOps.Jobs.Tests.Configuration;

public sealed class ConfigSchemaTests
{
    [Fact]
    public void Generate_SmallType_MatchesGolden()
    {
        var schema = ConfigSchema.Generate(typeof(SchemaSample), new ConfigKinds().Add<FeatureStep, OneHotStep>("OneHot"));

        Assert.Equal(Golden, schema.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Generate_StandardTrainingJob_IsDeterministic()
    {
        var kinds = ConfigKinds.CreateStandard().Add<TestJob, TestTrainingJob>("TrainingJob");

        Assert.Equal(ConfigSchema.Generate(typeof(TestConfig), kinds), ConfigSchema.Generate(typeof(TestConfig), kinds));
        Assert.Contains("\"GradientBoostingRegressorOptions\"", ConfigSchema.Generate(typeof(TestConfig), kinds), StringComparison.Ordinal);
    }

    private const string Golden = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "name": {
              "type": "string"
            },
            "rate": {
              "type": "number",
              "exclusiveMinimum": 0,
              "maximum": 1
            },
            "depth": {
              "type": [
                "integer",
                "null"
              ]
            },
            "mode": {
              "enum": [
                "Fast",
                "Thorough"
              ]
            },
            "steps": {
              "type": "array",
              "items": {
                "oneOf": [
                  {
                    "$ref": "#/$defs/OneHotStep",
                    "required": [
                      "KIND"
                    ]
                  }
                ]
              }
            }
          },
          "required": [
            "name"
          ],
          "additionalProperties": false,
          "$defs": {
            "OneHotStep": {
              "type": "object",
              "properties": {
                "KIND": {
                  "const": "OneHot"
                },
                "columns": {
                  "type": "array",
                  "items": {
                    "type": "string"
                  }
                }
              },
              "required": [
                "columns"
              ],
              "additionalProperties": false
            }
          }
        }
        """;
}

public sealed record SchemaSample
{
    public required string Name { get; init; }

    [Range(0, 1, MinimumIsExclusive = true)]
    public double Rate { get; init; } = 0.1;

    public int? Depth { get; init; }

    public TestMode Mode { get; init; }

    public IReadOnlyList<FeatureStep> Steps { get; init; } = [];
}
