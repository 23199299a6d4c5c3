using OfflinePortal.Core.Packaging;

namespace OfflinePortal.Core.Offline;

/// <summary>Why a layer or table did not go offline.</summary>
public sealed record LayerError(string Id, string Title, string Message);

/// <summary>The outcome of a finished job (the SDK's GenerateOfflineMapResult).</summary>
public sealed record GenerateOfflineMapResult(
    string PackageDirectory,
    IReadOnlyDictionary<string, LayerError> LayerErrors,
    IReadOnlyDictionary<string, LayerError> TableErrors)
{
    /// <summary>True when a layer or table failed (online-only layers are not errors).</summary>
    public bool HasErrors => LayerErrors.Count > 0 || TableErrors.Count > 0;

    /// <summary>The manifest written as <c>package.json</c> (files, hashes, per-layer outcome, replicas).</summary>
    public PackageManifest? Manifest { get; init; }

    /// <summary>The job's message log.</summary>
    public IReadOnlyList<JobMessage> Messages { get; init; } = [];
}

/// <summary>
/// The job could not produce a package (a layer failed with <c>ContinueOnErrors</c> off, the download folder is not
/// empty, a tile limit would be exceeded); nothing was left where the package was asked for.
/// </summary>
public sealed class GenerateOfflineMapException(string message, Exception? innerException = null) : Exception(message, innerException);
