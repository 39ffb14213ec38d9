namespace ModelOps.Core.Interop.XGBoost;

/// <summary>
/// XGBoost's JSON writer prints a float that is not finite as a bare <c>NaN</c>, <c>Infinity</c>
/// or <c>-Infinity</c> (a categorical split's condition is NaN), which JSON does not allow; these
/// are turned into the strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c> before parsing.
/// </summary>
internal static class XGBoostJsonText
{
    private static ReadOnlySpan<byte> NaN => "NaN"u8;

    private static ReadOnlySpan<byte> Infinity => "Infinity"u8;

    /// <summary><paramref name="json"/> with every bare non-finite number outside strings quoted; <paramref name="json"/> itself when it has none.</summary>
    public static byte[] QuoteNonFiniteNumbers(byte[] json)
    {
        if (json.AsSpan().IndexOf(NaN) < 0 && json.AsSpan().IndexOf(Infinity) < 0)
        {
            return json;
        }

        var output = new List<byte>(json.Length + 64);
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (inString)
            {
                output.Add(b);
                if (b == (byte)'\\' && i + 1 < json.Length)
                {
                    output.Add(json[++i]);
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }

                continue;
            }

            if (b == (byte)'"')
            {
                inString = true;
                output.Add(b);
                continue;
            }

            var rest = json.AsSpan(i);
            var sign = b == (byte)'-' ? 1 : 0;
            var word = rest[sign..].StartsWith(NaN) ? NaN : rest[sign..].StartsWith(Infinity) ? Infinity : default;
            if (word.IsEmpty)
            {
                output.Add(b);
                continue;
            }

            output.Add((byte)'"');
            output.AddRange(rest[..(sign + word.Length)]);
            output.Add((byte)'"');
            i += sign + word.Length - 1;
        }

        return [.. output];
    }
}
