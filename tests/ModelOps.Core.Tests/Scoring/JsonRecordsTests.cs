using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Scoring;

namespace ModelOps.Core.Tests.Scoring;

public sealed class JsonRecordsTests
{
    private static readonly InputColumn[] Inputs =
    [
        new("temp", ColumnType.Float64),
        new("hr", ColumnType.Int64),
        new("holiday", ColumnType.Bool),
        new("season", ColumnType.String),
    ];

    [Fact]
    public void TryAppend_RecordsInAnyFieldOrder_BecomeTypedColumns()
    {
        var records = new JsonRecords(Inputs);
        var errors = new List<JsonRecordError>();

        var appended = new[]
        {
            """{"temp": 0.5, "hr": 3, "holiday": false, "season": "spring", "id": 1}""",
            """{"id": 2, "season": "fall", "holiday": true, "hr": 23, "temp": -1.25}""",
            """{"temp": null, "extra": [1, 2], "hr": 0, "season": null, "holiday": null}""",
            """{"temp": 2, "hr": 7, "holiday": false, "season": "winter"}""",
        }.Select(json => records.TryAppend(Parse(json), "$", errors)).ToArray();

        Assert.All(appended, Assert.True);
        Assert.Empty(errors);
        var frame = records.Build();
        Assert.Equal([0.5, -1.25, double.NaN, 2.0], frame.Get<Float64Column>("temp").Values.ToArray());
        Assert.True(frame["temp"].IsNull(2));
        Assert.Equal([3L, 23L, 0L, 7L], frame.Get<Int64Column>("hr").Values.ToArray());
        Assert.Equal(["spring", "fall", null, "winter"], Enumerable.Range(0, 4).Select(frame["season"].Format));
        Assert.Equal(["false", "true", null, "false"], Enumerable.Range(0, 4).Select(frame["holiday"].Format));
    }

    [Fact]
    public void TryAppend_FieldGivenTwiceOrWithEscapes_IsReadAsJsonElementFindsIt()
    {
        var records = new JsonRecords(Inputs);
        var errors = new List<JsonRecordError>();
        var record = Parse("""{"temp": 1, "h\u0072": 4, "holiday": true, "season": "a", "temp": 9.5}""");

        Assert.True(records.TryAppend(record, "$", errors));

        var frame = records.Build();
        Assert.Equal(record.GetProperty("temp").GetDouble(), frame.Get<Float64Column>("temp")[0]);
        Assert.Equal(4L, frame.Get<Int64Column>("hr")[0]);
    }

    [Fact]
    public void TryAppend_BrokenRecord_ListsEveryViolationInSignatureOrderAndAppendsNothing()
    {
        var records = new JsonRecords(Inputs);
        var errors = new List<JsonRecordError>();
        records.TryAppend(Parse("""{"temp": 1, "hr": 1, "holiday": true, "season": "a"}"""), "$.records[0]", errors);

        var appended = records.TryAppend(Parse("""{"season": 3, "temp": "hot", "hr": 1.5}"""), "$.records[1]", errors);
        var notObject = records.TryAppend(Parse("[1, 2]"), "$.records[2]", errors);

        Assert.False(appended);
        Assert.False(notObject);
        Assert.Equal(
            [
                "$.records[1].temp: expected a number (float64), got string \"hot\"",
                "$.records[1].hr: expected an integer (int64), got number 1.5",
                "$.records[1]: missing field 'holiday'",
                "$.records[1].season: expected a string, got number 3",
                "$.records[2]: expected an object, got an array",
            ],
            errors.Select(e => e.ToString()));
        Assert.Equal(1, records.Build().RowCount);
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
