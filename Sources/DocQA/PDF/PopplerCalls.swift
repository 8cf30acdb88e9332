import CPoppler
import Synchronization

// The few GLib conventions poppler-glib relies on, handled in one place: errors returned
// through `GError **`, strings the caller must `g_free`, and poppler's log output.

/// A `GError` copied into Swift, so the C struct can be freed at once.
struct GLibError: Error {
    enum Domain {
        /// `POPPLER_ERROR`.
        case poppler
        /// `G_FILE_ERROR`.
        case file
        case other
    }

    var domain: Domain
    var code: Int32
    /// GLib's own text. Generic for the errors seen here ("Document is encrypted");
    /// kept for debugging, never shown in place of an actionable sentence.
    var message: String

    /// `POPPLER_ERROR_ENCRYPTED`: the document needs a user password.
    var isEncrypted: Bool { domain == .poppler && code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) }

    /// `G_FILE_ERROR_NOENT`: the file vanished between our check and poppler's open.
    var isMissingFile: Bool { domain == .file && code == Int32(G_FILE_ERROR_NOENT.rawValue) }
}

/// Runs a poppler/GLib call that reports failure through a `GError **` out-parameter.
///
/// Returns the call's non-null result, or throws the copied `GError` (freed with
/// `g_error_free`). A null result without a `GError` is reported as a generic
/// `POPPLER_ERROR_INVALID`, which poppler uses for "the operation failed".
func callReportingGError<Result>(
    _ body: (UnsafeMutablePointer<UnsafeMutablePointer<GError>?>) -> Result?
) throws(GLibError) -> Result {
    var error: UnsafeMutablePointer<GError>? = nil
    let result = body(&error)
    if let error {
        let copied = GLibError(
            domain: error.pointee.domain == poppler_error_quark() ? .poppler
                : error.pointee.domain == g_file_error_quark() ? .file : .other,
            code: error.pointee.code,
            message: error.pointee.message.map { String(cString: $0) } ?? "")
        g_error_free(error)
        throw copied
    }
    guard let result else {
        throw GLibError(domain: .poppler, code: Int32(POPPLER_ERROR_INVALID.rawValue),
                        message: "the call failed without an error")
    }
    return result
}

/// Takes ownership of a UTF-8 string allocated by GLib: copies it into Swift and frees
/// it with `g_free`.
///
/// Bytes that are not valid UTF-8 become U+FFFD rather than failing or trapping, so a
/// PDF with a broken text encoding still yields its readable text. A null pointer is
/// the empty string.
func takeGLibString(_ pointer: UnsafeMutablePointer<gchar>?) -> String {
    guard let pointer else { return "" }
    defer { g_free(pointer) }
    let bytes = UnsafeRawBufferPointer(start: pointer, count: strlen(pointer))
    return String(decoding: bytes, as: UTF8.self)
}

/// Keeps poppler's diagnostics off the terminal.
///
/// poppler-glib forwards every parser complaint ("Syntax error at position 41: Illegal
/// character <86>…") to GLib logging under the "Poppler" domain. Those lines can quote
/// bytes from the document, and this tool promises that document text never reaches
/// logs unless asked for; they also mean nothing to a user, who gets a `DocQAError`
/// instead. GLib's default handler hides them unless `G_MESSAGES_DEBUG` is set; the
/// handler installed here drops them in every case, counting them for tests.
///
/// Only the "Poppler" domain is claimed, so other libraries' logging is untouched. The
/// process-wide writer (`g_log_set_writer_func`) is left alone because it can be set
/// only once per process and is not ours to take.
enum PopplerLog {
    /// How many poppler messages have been dropped since the process started.
    static var droppedMessageCount: Int { dropped.load(ordering: .relaxed) }

    /// Installs the handler once per process; cheap to call again.
    static func silence() { _ = installed }

    private static let dropped = Atomic<Int>(0)

    private static let installed: Void = {
        // Every level and both flags: nothing in this domain is for the terminal. An
        // `ERROR`-level message still aborts (GLib forces it fatal), as it would anyway.
        let everyLevel = GLogLevelFlags(rawValue: G_LOG_FLAG_RECURSION.rawValue
            | G_LOG_FLAG_FATAL.rawValue | G_LOG_LEVEL_ERROR.rawValue
            | G_LOG_LEVEL_CRITICAL.rawValue | G_LOG_LEVEL_WARNING.rawValue
            | G_LOG_LEVEL_MESSAGE.rawValue | G_LOG_LEVEL_INFO.rawValue
            | G_LOG_LEVEL_DEBUG.rawValue)
        _ = g_log_set_handler("Poppler", everyLevel, { _, _, _, _ in
            PopplerLog.dropped.add(1, ordering: .relaxed)
        }, nil)
    }()
}
