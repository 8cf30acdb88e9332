import CSQLite

/// The SQLite library docqa runs with, for `docqa doctor`.
public enum SQLiteLibrary {
    /// The version of the SQLite library loaded at run time, e.g. `3.40.1` (which can
    /// differ from the header docqa was built against).
    ///
    /// The corresponding C function is `sqlite3_libversion`.
    public static var version: String { String(cString: sqlite3_libversion()) }
}
