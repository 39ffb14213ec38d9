using System.Globalization;
using System.Text;
using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;

namespace ModelOps.Jobs.Tests.Datasets;

public sealed class Utf8ValueParserTests
{
    [Theory]
    [InlineData("0", 0L, true)]
    [InlineData("-12", -12L, true)]
    [InlineData("007", 7L, false)]
    [InlineData("+7", 7L, false)]
    [InlineData(" 7 ", 7L, false)]
    [InlineData("-0", 0L, false)]
    [InlineData("9223372036854775807", long.MaxValue, true)]
    [InlineData("-9223372036854775808", long.MinValue, true)]
    public void TryParseInt64_Integers_ParseWithCanonicalFlag(string text, long expected, bool canonical)
    {
        Assert.True(Utf8ValueParser.TryParseInt64(Encoding.UTF8.GetBytes(text), out var value, out var isCanonical));
        Assert.Equal(expected, value);
        Assert.Equal(canonical, isCanonical);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("9223372036854775808")]
    [InlineData("12a")]
    public void TryParseInt64_NotIntegers_Fail(string text) =>
        Assert.False(Utf8ValueParser.TryParseInt64(Encoding.UTF8.GetBytes(text), out _, out _));

    [Fact]
    public void TryParseFloat64_RandomDoublesBelow1e15_RoundTripExactlyAndAreCanonical()
    {
        var random = new Random(7);
        for (var i = 0; i < 20000; i++)
        {
            var value = i % 3 == 0
                ? Math.Round(random.NextDouble() * 1000, random.Next(0, 6))
                : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 15));
            var text = ValueFormat.Format(value);

            Assert.True(Utf8ValueParser.TryParseFloat64(Encoding.UTF8.GetBytes(text), out var parsed, out var canonical), text);
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(parsed));
            Assert.True(canonical, text);
        }
    }

    [Fact]
    public void TryParseFloat64_RandomDecimalTexts_MatchDoubleParseAndNeverCallNonCanonicalTextCanonical()
    {
        var random = new Random(11);
        for (var i = 0; i < 50000; i++)
        {
            var integer = random.Next(0, 4) switch
            {
                0 => "0",
                1 => random.Next(0, 10).ToString(CultureInfo.InvariantCulture),
                2 => random.NextInt64(0, 1_000_000_000_000_000).ToString(CultureInfo.InvariantCulture),
                _ => "0" + random.Next(0, 100).ToString(CultureInfo.InvariantCulture),
            };
            var fraction = random.Next(0, 3) == 0 ? "" : "." + new string('0', random.Next(0, 6)) + random.NextInt64(0, 1_000_000_000).ToString(CultureInfo.InvariantCulture);
            var text = (random.Next(0, 4) == 0 ? "-" : "") + integer + fraction;

            Assert.True(Utf8ValueParser.TryParseFloat64(Encoding.UTF8.GetBytes(text), out var parsed, out var canonical), text);
            Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), parsed);
            if (canonical)
            {
                Assert.Equal(text, ValueFormat.Format(parsed));
            }
        }
    }

    [Theory]
    [InlineData("0.5", true)]
    [InlineData("0.50", false)]
    [InlineData("1.", false)]
    [InlineData(".5", false)]
    [InlineData("1e3", false)]
    [InlineData("1E-05", true)]
    [InlineData("0.00001", false)]
    [InlineData("0.0001", true)]
    [InlineData("-0", true)]
    [InlineData("NaN", true)]
    [InlineData("-Infinity", true)]
    [InlineData("0.30000000000000004", true)]
    public void TryParseFloat64_Texts_ReportCanonicalExactlyWhenFormattedTheSame(string text, bool canonical)
    {
        Assert.True(Utf8ValueParser.TryParseFloat64(Encoding.UTF8.GetBytes(text), out var value, out var isCanonical));
        Assert.Equal(canonical, isCanonical);
        Assert.Equal(canonical, ValueFormat.Format(value) == text);
    }

    [Theory]
    [InlineData("2011-01-01", true)]
    [InlineData("2011-01-01T00:00:00", false)]
    [InlineData("2011-01-01T00:00:00Z", true)]
    [InlineData("2011-01-01T10:00:00.50", false)]
    [InlineData("2011-01-01T10:00:00.5", true)]
    [InlineData("2012-02-29T23:59:59.1234567Z", true)]
    public void TryParseDateTime_IsoTexts_ParseWithCanonicalFlag(string text, bool canonical)
    {
        Assert.True(Utf8ValueParser.TryParseDateTime(Encoding.UTF8.GetBytes(text), out var value, out var isCanonical));
        Assert.Equal(canonical, isCanonical);
        Assert.Equal(canonical, ValueFormat.Format(value) == text);
    }

    [Theory]
    [InlineData("2011-02-29")]
    [InlineData("2011-13-01")]
    [InlineData("2011-01-01T24:00:00")]
    [InlineData("2011-01-01 10:00:00")]
    [InlineData("2011-01-01T10:00:00.")]
    [InlineData("2011-01-01T10:00:00.12345678")]
    [InlineData("2011-01-01T10:00:00+01:00")]
    [InlineData("20110101")]
    public void TryParseDateTime_OtherTexts_Fail(string text) =>
        Assert.False(Utf8ValueParser.TryParseDateTime(Encoding.UTF8.GetBytes(text), out _, out _));

    [Theory]
    [InlineData("12", ColumnType.Int64)]
    [InlineData("1.5", ColumnType.Float64)]
    [InlineData("True", ColumnType.Bool)]
    [InlineData("2011-01-01", ColumnType.DateTime)]
    [InlineData("yes", ColumnType.String)]
    public void Infer_Text_GivesFirstAcceptingType(string text, ColumnType expected) =>
        Assert.Equal(expected, Utf8ValueParser.Infer(Encoding.UTF8.GetBytes(text)));
}
