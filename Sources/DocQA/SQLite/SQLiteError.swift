import CSQLite
import Foundation

/// A failed SQLite call, as SQLite reported it: result codes, `sqlite3_errmsg` text and
/// the SQL being run.
///
/// Bound values are never recorded: they may hold document text or questions. Callers
/// outside the SQLite layer see this only as the `DocQAError` that `docQAError` builds;
/// the layer throws that, never `SQLiteError` itself.
package struct SQLiteError: Sendable, Equatable {
    /// The primary result code (`SQLITE_BUSY`, `SQLITE_CORRUPT`, …).
    package var resultCode: Int32
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, …); equals `resultCode` when
    /// SQLite has nothing more specific.
    package var extendedCode: Int32
    /// SQLite's own description of the failure (`sqlite3_errmsg`).
    package var message: String
    /// The SQL that failed, without any bound values.
    package var sql: String?
    /// The database file the connection was opened on.
    package var path: String?
    /// The operating system's error number behind an I/O failure (`sqlite3_system_errno`),
    /// 0 when there is none.
    package var systemErrorNumber: Int32 = 0

    package init(resultCode: Int32, extendedCode: Int32, message: String,
                 sql: String? = nil, path: String? = nil) {
        self.resultCode = resultCode
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
        self.path = path
    }

    /// The name SQLite gives the primary result code (the corresponding C function is
    /// `sqlite3_errstr`).
    package var codeDescription: String {
        guard let text = sqlite3_errstr(resultCode) else { return "error \(resultCode)" }
        return String(cString: text)
    }

    /// The user-facing error: busy and corrupt databases get their own codes and advice;
    /// everything else is `.database` with the SQLite codes, message and SQL attached.
    package var docQAError: DocQAError {
        let detail = "SQLite \(resultCode)/\(extendedCode): \(message)"
        switch resultCode {
        // SQLITE_LOCKED is a conflict inside one connection (a programming error), so it
        // falls through to the generic case rather than blaming another process.
        case SQLITE_BUSY:
            return DocQAError(.indexBusy,
                "The index is in use by another docqa process (\(detail)). "
                + "Wait for that process to finish, then try again.", path: path)
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return DocQAError(.indexCorrupt,
                "The index file is damaged or is not a docqa index (\(detail)). "
                + "Move it aside or delete it, then run `docqa index` to build a new index.",
                path: path)
        case SQLITE_FULL:
            return DocQAError(.database,
                "The disk holding the index is full (\(detail)). "
                + "Free some space, then run the command again.", path: path)
        case SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH:
            return DocQAError(.database,
                "The index cannot be written (\(detail)). "
                + "Check that you own the index file and its folder and may write to them.",
                path: path)
        case SQLITE_CANTOPEN:
            return DocQAError(.database,
                "The index file cannot be opened (\(detail)). "
                + "Check that the path names a file (not a folder) you may read and write.",
                path: path)
        // A write refused for want of space or by a file-size limit (`ulimit -f`) comes as
        // an I/O error (SQLITE_IOERR_WRITE, a macro Swift does not import), not SQLITE_FULL; the error number is often
        // gone by the time the statement reports it (the rollback clears it).
        case SQLITE_IOERR where extendedCode == SQLITE_IOERR | (3 << 8) || [ENOSPC, EFBIG, EDQUOT].contains(systemErrorNumber):
            let reason = systemErrorNumber == 0 ? "" : "; " + String(cString: strerror(systemErrorNumber))
            return DocQAError(.database,
                "Writing the index failed (\(detail)\(reason)): the disk may be full or a file-size limit "
                + "(ulimit -f) reached. Free some space (or raise the limit), then run the command again.", path: path)
        case SQLITE_IOERR:
            return DocQAError(.database,
                "Reading or writing the index failed (\(detail)). "
                + "Check the disk, then run the command again.", path: path)
        default:
            var sentence = "The index database reported an error (\(detail))"
            if let sql { sentence += " while running `\(Self.abbreviated(sql))`" }
            return DocQAError(.database,
                sentence + ". Run the command again; if it keeps failing, report this message.",
                path: path)
        }
    }

    /// The SQL on one line, cut to a length that fits in an error sentence.
    static func abbreviated(_ sql: String, limit: Int = 160) -> String {
        let oneLine = sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard oneLine.count > limit else { return oneLine }
        return String(oneLine.prefix(limit)) + "…"
    }
}
