using System.Runtime.InteropServices;

namespace ModelOps.Bench.Learners.Interop;

/// <summary>
/// The part of LightGBM's C API (include/LightGBM/c_api.h, 4.x) the benchmark uses: a dataset from a
/// dense matrix, a booster trained one iteration at a time, saved to and loaded from a model file, and
/// predictions (or SHAP contributions) for a dense matrix.
/// The library is lib_lightgbm.so from the NuGet package LightGBM (runtimes/linux-x64/native), which
/// needs libgomp (OpenMP) on the machine. Every function returns 0 on success and -1 on failure,
/// with the message in <see cref="LastError"/>.
/// </summary>
internal static partial class LightGbmNative
{
    private const string Library = "lib_lightgbm";

    /// <summary>C_API_DTYPE_FLOAT64.</summary>
    internal const int Float64 = 1;

    /// <summary>C_API_DTYPE_FLOAT32.</summary>
    internal const int Float32 = 0;

    /// <summary>C_API_PREDICT_NORMAL.</summary>
    internal const int PredictNormal = 0;

    /// <summary>C_API_PREDICT_CONTRIB: SHAP contributions, one per feature and the expected value last, per row.</summary>
    internal const int PredictContrib = 3;

    /// <summary>C_API_FEATURE_IMPORTANCE_SPLIT, the importance type a saved model file records.</summary>
    internal const int FeatureImportanceSplit = 0;

    [LibraryImport(Library, EntryPoint = "LGBM_GetLastError")]
    private static partial nint GetLastError();

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetCreateFromMat", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int DatasetCreateFromMat(void* data, int dataType, int rows, int columns, int isRowMajor, string parameters, nint reference, out DatasetHandle handle);

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetSetField", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int DatasetSetField(DatasetHandle handle, string field, void* data, int count, int dataType);

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetFree")]
    internal static partial int DatasetFree(nint handle);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterCreate", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int BoosterCreate(DatasetHandle dataset, string parameters, out BoosterHandle handle);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterUpdateOneIter")]
    internal static partial int BoosterUpdateOneIter(BoosterHandle handle, out int isFinished);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterPredictForMat", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int BoosterPredictForMat(BoosterHandle handle, void* data, int dataType, int rows, int columns, int isRowMajor, int predictType, int startIteration, int iterations, string parameters, out long outLength, double* result);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterSaveModel", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int BoosterSaveModel(BoosterHandle handle, int startIteration, int iterations, int featureImportanceType, string fileName);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterCreateFromModelfile", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int BoosterCreateFromModelfile(string fileName, out int iterations, out BoosterHandle handle);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterFree")]
    internal static partial int BoosterFree(nint handle);

    /// <summary>The message of the last failed call on this thread.</summary>
    internal static string LastError => Marshal.PtrToStringUTF8(GetLastError()) ?? "(no message)";

    /// <summary>Throws with LightGBM's message when <paramref name="result"/> is not 0.</summary>
    internal static void Check(int result, string call)
    {
        if (result != 0)
        {
            Fail(call);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string call) => throw new InvalidOperationException($"LightGBM {call} failed: {LastError}");
}

/// <summary>A LightGBM dataset, freed with LGBM_DatasetFree.</summary>
internal sealed class DatasetHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle() => LightGbmNative.DatasetFree(handle) == 0;
}

/// <summary>A LightGBM booster, freed with LGBM_BoosterFree.</summary>
internal sealed class BoosterHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle() => LightGbmNative.BoosterFree(handle) == 0;
}
