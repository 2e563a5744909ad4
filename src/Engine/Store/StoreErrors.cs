namespace Sweeps.Engine.Store;

/// <summary>
/// The one place a file system failure in the store becomes a <see cref="SweepsException"/> that says what happened
/// in the user's words (disk full, read-only, no permission) and names the store, instead of a raw IOException.
/// </summary>
internal static class StoreErrors
{
    // errno values (Linux; macOS where it differs) and Win32 codes as .NET puts them in IOException.HResult.
    const int Enospc = 28, Edquot = 122, EdquotMac = 69, Erofs = 30, Eacces = 13, Eperm = 1;
    const int WinDiskFull = unchecked((int)0x80070070), WinHandleDiskFull = unchecked((int)0x80070027), WinWriteProtect = unchecked((int)0x80070013);

    /// <summary>True when the failure is a full disk or an exhausted quota.</summary>
    public static bool IsDiskFull(Exception e) =>
        e is IOException && e.HResult is Enospc or Edquot or EdquotMac or WinDiskFull or WinHandleDiskFull;

    /// <summary>True when a create or move failed because the target exists (EEXIST; ERROR_FILE_EXISTS, ERROR_ALREADY_EXISTS).</summary>
    public static bool IsAlreadyExists(IOException e) => e.HResult is 17 or unchecked((int)0x80070050) or unchecked((int)0x800700B7);

    static bool IsReadOnly(Exception e) => e is IOException && e.HResult is Erofs or WinWriteProtect;

    static bool IsDenied(Exception e) => e is UnauthorizedAccessException || e is IOException && e.HResult is Eacces or Eperm;

    /// <summary>Whether this exception is one <see cref="From"/> turns into a store error.</summary>
    public static bool IsStoreFailure(Exception e) => e is IOException or UnauthorizedAccessException;

    /// <summary>
    /// A store error for a failed file operation: <paramref name="doing"/> says what Sweeps was doing ("append to the
    /// journal"), <paramref name="path"/> the file, <paramref name="store"/> the store (or sweep folder) it belongs to.
    /// </summary>
    public static SweepsException From(Exception e, string doing, string path, string store)
    {
        if (IsDiskFull(e))
            return new SweepsException(SweepsErrorKind.StoreFull,
                $"Disk full: cannot {doing} ('{path}') in the store '{store}'. Free some space there; nothing already in the store was changed.", e);
        if (IsReadOnly(e))
            return new SweepsException(SweepsErrorKind.StoreUnavailable,
                $"The store '{store}' is read-only: cannot {doing} ('{path}'). Reading its sweeps still works.", e);
        if (IsDenied(e))
            return new SweepsException(SweepsErrorKind.StoreUnavailable,
                $"No permission to {doing} ('{path}') in the store '{store}': {e.Message}", e);
        return new SweepsException(SweepsErrorKind.StoreUnavailable, $"Cannot {doing} ('{path}') in the store '{store}': {e.Message}", e);
    }
}
