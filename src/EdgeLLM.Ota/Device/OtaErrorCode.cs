namespace EdgeLLM.Ota.Device;

/// <summary>Why an update was rejected or rolled back; written in snake_case at the start of the status's <c>error</c>.</summary>
public enum OtaErrorCode
{
    /// <summary><c>invalid_manifest</c>: not JSON, or a field missing or invalid.</summary>
    InvalidManifest,

    /// <summary><c>bad_signature</c>: unsigned, signed by no trusted key, or changed after signing.</summary>
    BadSignature,

    /// <summary><c>runtime_too_old</c>: <c>min_runtime</c> is newer than this EdgeLLM.</summary>
    RuntimeTooOld,

    /// <summary><c>not_in_rollout</c>: this device's bucket is outside the rollout percent; nothing was downloaded.</summary>
    NotInRollout,

    /// <summary><c>downgrade_refused</c>: older than the active version and <c>allow_downgrade</c> is not set.</summary>
    DowngradeRefused,

    /// <summary><c>version_conflict</c>: the active version has the same number but other bytes.</summary>
    VersionConflict,

    /// <summary><c>previously_rolled_back</c>: this exact bundle was switched to before and rolled back; publish a new version.</summary>
    PreviouslyRolledBack,

    /// <summary><c>bundle_too_large</c>: <c>size</c> exceeds <c>Ota:MaxBundleBytes</c>.</summary>
    BundleTooLarge,

    /// <summary><c>download_failed</c>: retries or the timeout ran out, or the server refused.</summary>
    DownloadFailed,

    /// <summary><c>size_mismatch</c>: the bundle's size differs from the manifest's.</summary>
    SizeMismatch,

    /// <summary><c>sha256_mismatch</c>: the bundle's SHA-256 differs from the manifest's.</summary>
    Sha256Mismatch,

    /// <summary><c>unsafe_bundle</c>: a path leaves the staging directory, a link/device/FIFO, a bomb, or no model inside.</summary>
    UnsafeBundle,

    /// <summary><c>storage_error</c>: writing failed (disk full, permissions).</summary>
    StorageError,

    /// <summary><c>metadata_mismatch</c>: the bundle's <c>edgellm_model.json</c> names another model id or version than the manifest.</summary>
    MetadataMismatch,

    /// <summary><c>memory_budget</c>: weights plus minimum KV cache exceed the budget.</summary>
    MemoryBudget,

    /// <summary><c>smoke_test_failed</c>: the validator refused the model.</summary>
    SmokeTestFailed,

    /// <summary><c>activation_failed</c>: hot swap to the new model failed; rolled back.</summary>
    ActivationFailed,

    /// <summary><c>not_confirmed</c>: not confirmed healthy within <c>Ota:ConfirmSeconds</c>; rolled back.</summary>
    NotConfirmed,

    /// <summary><c>interrupted</c>: the update was interrupted (crash, power loss) too often and is given up.</summary>
    Interrupted,

    /// <summary><c>rollout_aborted</c>: the operator aborted the rollout of this version; a switched device went back to its previous version.</summary>
    RolloutAborted,

    /// <summary><c>superseded</c>: a newer manifest arrived while this one waited; it never started.</summary>
    Superseded,
}
