import CPoppler

/// The poppler library docqa reads PDFs with, for `docqa doctor`.
public enum PopplerLibrary {
    /// The version of poppler-glib loaded at run time, e.g. `22.02.0`.
    ///
    /// The corresponding C function is `poppler_get_version`; its string is static.
    public static var version: String { String(cString: poppler_get_version()) }
}
