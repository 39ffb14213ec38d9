using System.Globalization;
using System.Text;

namespace ModelOps.Store.Tracking;

/// <summary>
/// The run filter language: conditions joined by <c>and</c> (any case). A condition is a field, an operator and a value:
/// <list type="bullet">
/// <item><c>name</c>, <c>params.KEY</c>, <c>tags.KEY</c>: <c>=</c>, <c>!=</c> or <c>~</c> (contains, ignoring case) and a quoted text (<c>'...'</c> or <c>"..."</c>);</item>
/// <item><c>status</c>: <c>=</c> or <c>!=</c> and <c>RUNNING</c>, <c>FINISHED</c> or <c>FAILED</c> (any case, quoted or not);</item>
/// <item><c>metrics.KEY</c>: <c>=</c>, <c>!=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c> or <c>&gt;=</c> and a number, compared with the metric's latest value.</item>
/// </list>
/// Example: <c>metrics.rmse &lt; 70 and params.model = 'GradientBoostingRegressor' and status = finished</c>.
/// </summary>
/// <param name="Conditions">The conditions, all of which a run must meet.</param>
public sealed record RunFilter(IReadOnlyList<RunCondition> Conditions)
{
    /// <summary>Parses <paramref name="text"/>; an empty or blank text is the filter that keeps every run.</summary>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.Invalid"/>) The text is not a filter; the message names the position and what was expected.</exception>
    public static RunFilter Parse(string? text)
    {
        var conditions = new List<RunCondition>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return new RunFilter(conditions);
        }

        var reader = new Reader(text);
        while (true)
        {
            conditions.Add(reader.Condition());
            reader.SkipSpaces();
            if (reader.AtEnd)
            {
                return new RunFilter(conditions);
            }

            reader.Keyword("and");
        }
    }

    private sealed class Reader(string text)
    {
        private int _position;

        public bool AtEnd => _position >= text.Length;

        public void SkipSpaces()
        {
            while (!AtEnd && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        public void Keyword(string word)
        {
            var start = _position;
            var found = Word();
            if (!found.Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                throw Error(start, $"expected '{word}' between conditions, found {Describe(found)}");
            }
        }

        public RunCondition Condition()
        {
            SkipSpaces();
            var start = _position;
            var field = Word();
            var (kind, key) = field switch
            {
                _ when field.Equals("name", StringComparison.OrdinalIgnoreCase) => (RunField.Name, string.Empty),
                _ when field.Equals("status", StringComparison.OrdinalIgnoreCase) => (RunField.Status, string.Empty),
                _ when field.StartsWith("params.", StringComparison.OrdinalIgnoreCase) && field.Length > 7 => (RunField.Parameter, field[7..]),
                _ when field.StartsWith("metrics.", StringComparison.OrdinalIgnoreCase) && field.Length > 8 => (RunField.Metric, field[8..]),
                _ when field.StartsWith("tags.", StringComparison.OrdinalIgnoreCase) && field.Length > 5 => (RunField.Tag, field[5..]),
                _ => throw Error(start, $"expected a field (name, status, params.KEY, metrics.KEY, tags.KEY), found {Describe(field)}"),
            };

            SkipSpaces();
            var operatorStart = _position;
            var op = Operator();
            var allowed = kind switch
            {
                RunField.Metric => "=, !=, <, <=, > or >=",
                RunField.Status => "= or !=",
                _ => "=, != or ~",
            };
            var valid = kind switch
            {
                RunField.Metric => op is not RunOperator.Contains,
                RunField.Status => op is RunOperator.Equal or RunOperator.NotEqual,
                _ => op is RunOperator.Equal or RunOperator.NotEqual or RunOperator.Contains,
            };
            if (!valid)
            {
                throw Error(operatorStart, $"{field} takes {allowed}");
            }

            SkipSpaces();
            var valueStart = _position;
            if (kind == RunField.Metric)
            {
                var number = Word();
                return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                    ? new RunCondition(kind, key, op, number) { Number = value }
                    : throw Error(valueStart, $"{field} is compared with a number, found {Describe(number)}");
            }

            var textValue = !AtEnd && text[_position] is '\'' or '"' ? Quoted() : kind == RunField.Status ? Word() : throw Error(valueStart, $"expected a quoted value ('...' or \"...\") after {field}, found {Describe(Word())}");
            if (kind == RunField.Status)
            {
                var upper = textValue.ToUpperInvariant();
                if (upper is not ("RUNNING" or "FINISHED" or "FAILED"))
                {
                    throw Error(valueStart, $"status is RUNNING, FINISHED or FAILED, not {Describe(textValue)}");
                }

                textValue = upper;
            }

            return new RunCondition(kind, key, op, textValue);
        }

        private RunOperator Operator()
        {
            var start = _position;
            string[] symbols = ["!=", "<=", ">=", "=", "<", ">", "~"];
            foreach (var symbol in symbols)
            {
                if (string.CompareOrdinal(text, _position, symbol, 0, symbol.Length) == 0)
                {
                    _position += symbol.Length;
                    return symbol switch
                    {
                        "!=" => RunOperator.NotEqual,
                        "<=" => RunOperator.LessOrEqual,
                        ">=" => RunOperator.GreaterOrEqual,
                        "=" => RunOperator.Equal,
                        "<" => RunOperator.Less,
                        ">" => RunOperator.Greater,
                        _ => RunOperator.Contains,
                    };
                }
            }

            throw Error(start, $"expected an operator (=, !=, <, <=, >, >=, ~), found {Describe(Word())}");
        }

        private string Word()
        {
            SkipSpaces();
            var start = _position;
            while (!AtEnd && !char.IsWhiteSpace(text[_position]) && text[_position] is not ('=' or '!' or '<' or '>' or '~' or '\'' or '"'))
            {
                _position++;
            }

            return text[start.._position];
        }

        private string Quoted()
        {
            var quote = text[_position];
            var start = _position++;
            var value = new StringBuilder();
            while (!AtEnd)
            {
                var c = text[_position++];
                if (c == quote)
                {
                    // A doubled quote stands for one.
                    if (!AtEnd && text[_position] == quote)
                    {
                        value.Append(quote);
                        _position++;
                        continue;
                    }

                    return value.ToString();
                }

                value.Append(c);
            }

            throw Error(start, $"the quoted value opened here is not closed with {quote}");
        }

        private static string Describe(string found) => found.Length == 0 ? "nothing" : $"'{found}'";

        private StoreException Error(int position, string what) =>
            new(StoreErrorKind.Invalid, string.Create(CultureInfo.InvariantCulture, $"filter: at character {position + 1}: {what}"));
    }
}

/// <summary>One condition of a <see cref="RunFilter"/>.</summary>
/// <param name="Field">What it compares.</param>
/// <param name="Key">The parameter, metric or tag key (empty for name and status).</param>
/// <param name="Operator">How it compares.</param>
/// <param name="Value">The value as written (status upper-cased).</param>
public sealed record RunCondition(RunField Field, string Key, RunOperator Operator, string Value)
{
    /// <summary>For a metric, the value as a number.</summary>
    public double Number { get; init; }
}

/// <summary>What a <see cref="RunCondition"/> compares.</summary>
public enum RunField
{
    /// <summary>The run name.</summary>
    Name,

    /// <summary>The run status.</summary>
    Status,

    /// <summary>A parameter.</summary>
    Parameter,

    /// <summary>The latest value of a metric.</summary>
    Metric,

    /// <summary>A tag.</summary>
    Tag,
}

/// <summary>How a <see cref="RunCondition"/> compares.</summary>
public enum RunOperator
{
    /// <summary><c>=</c>.</summary>
    Equal,

    /// <summary><c>!=</c>.</summary>
    NotEqual,

    /// <summary><c>&lt;</c>.</summary>
    Less,

    /// <summary><c>&lt;=</c>.</summary>
    LessOrEqual,

    /// <summary><c>&gt;</c>.</summary>
    Greater,

    /// <summary><c>&gt;=</c>.</summary>
    GreaterOrEqual,

    /// <summary><c>~</c>: contains, ignoring case.</summary>
    Contains,
}
