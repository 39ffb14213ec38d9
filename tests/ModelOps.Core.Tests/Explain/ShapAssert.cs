using ModelOps.Core.Explain;

namespace ModelOps.Core.Tests.Explain;

/// <summary>Assertions shared by the SHAP tests.</summary>
internal static class ShapAssert
{
    /// <summary>Local accuracy: for every row, base value + the row's SHAP values = the raw model output, within <paramref name="relative"/>.</summary>
    public static void AddsUpToRawOutput(ShapValues shap, double[] raw, double relative)
    {
        Assert.Equal(raw.Length, shap.Rows);
        for (var r = 0; r < raw.Length; r++)
        {
            var sum = shap.BaseValue;
            foreach (var v in shap.Row(r))
            {
                sum += v;
            }

            Assert.True(Math.Abs(sum - raw[r]) <= relative * Math.Max(1, Math.Abs(raw[r])), $"row {r}: base + SHAP = {sum}, raw output = {raw[r]}");
        }
    }
}
