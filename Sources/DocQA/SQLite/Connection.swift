import CSQLite

/// An open SQLite database connection. Owns one `sqlite3` handle and closes it on deinit.
///
/// A connection is not `Sendable`: one owner serialises access to it. Statements keep
/// their connection alive, so the handle is closed only after every statement prepared
/// on it has been finalized. Every failure is thrown as a `DocQAError` built by
/// `SQLiteError` (code `.database`, `.indexBusy` or `.indexCorrupt`).
package final class Connection {
    /// How to open the database file.
    package enum OpenMode: Sendable {
        /// Read only; the file must exist.
        case readOnly
        /// Read and write; the file must exist.
        case readWrite
        /// Read and write, creating the file when it is missing. SQLite creates files
        /// with mode 0644 (less the umask); callers wanting a private file create it first.
        case readWriteCreate
        /// Read only, trusting that nothing changes the file while it is open: SQLite then
        /// takes no locks and needs no `-shm` file, so a write-ahead-log database on a
        /// read-only folder or file system can be read (SQLite's `immutable=1`). Its log
        /// is not read, so use it only when the log is empty.
        case immutable
    }

    /// The path the connection was opened with.
    package let path: String
    /// The owned handle. Never escapes the SQLite layer.
    let handle: OpaquePointer

    /// Opens the database at `path`.
    ///
    /// The corresponding C function is `sqlite3_open_v2`. Extended result codes are on.
    /// Opening is lazy in SQLite: a file that is not a database is reported by the first
    /// statement that reads it, not here.
    ///
    /// - Parameters:
    ///   - busyTimeout: how long a statement waits for another connection's lock before
    ///     failing with `.indexBusy`; `nil` fails at once.
    /// - Throws: `.database` (`SQLITE_CANTOPEN`) when the file cannot be opened, or is
    ///   missing in the `.readOnly` and `.readWrite` modes.
    package init(path: String, mode: OpenMode = .readWrite, busyTimeout: Duration? = .seconds(5)) throws {
        var flags: Int32
        switch mode {
        case .readOnly: flags = SQLITE_OPEN_READONLY
        case .readWrite: flags = SQLITE_OPEN_READWRITE
        case .readWriteCreate: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .immutable: flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
        }
        // One owner serialises access (connections are not Sendable), so SQLite's own
        // mutexes would only cost time.
        flags |= SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(mode == .immutable ? Self.immutableURI(path) : path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            var message = String(cString: sqlite3_errstr(code))
            var extended = code
            if let opened {
                message = String(cString: sqlite3_errmsg(opened))
                extended = sqlite3_extended_errcode(opened)
                // A handle is allocated even when opening fails; it must still be closed.
                sqlite3_close(opened)
            }
            throw SQLiteError(resultCode: code & 0xff, extendedCode: extended,
                              message: message, path: path).docQAError
        }
        self.path = path
        self.handle = opened
        sqlite3_extended_result_codes(opened, 1)
        setBusyTimeout(busyTimeout)
    }

    /// A `file:` URI naming `path` with `immutable=1`; every byte but letters, digits and
    /// `/._-~` is percent-encoded, so `?`, `#` and `%` in a file name stay part of it.
    static func immutableURI(_ path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            let scalar = Unicode.Scalar(byte)
            if ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar)
                || ("A"..."Z").contains(scalar) || "/._-~".unicodeScalars.contains(scalar) {
                encoded.unicodeScalars.append(scalar)
            } else {
                encoded += String(format: "%%%02X", byte)
            }
        }
        return "file:" + encoded + "?immutable=1"
    }

    /// Whether the connection cannot write (opened read-only, or the file or its file
    /// system is read-only). The corresponding C function is `sqlite3_db_readonly`.
    package var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    deinit {
        // Statements hold a strong reference to their connection, so none is left here
        // and a plain close cannot fail with SQLITE_BUSY.
        sqlite3_close(handle)
    }

    /// Sets how long statements wait for a lock held by another connection.
    ///
    /// The corresponding C function is `sqlite3_busy_timeout`. `nil` or zero fails at once.
    package func setBusyTimeout(_ timeout: Duration?) {
        var milliseconds: Int64 = 0
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        }
        sqlite3_busy_timeout(handle, Int32(clamping: max(0, milliseconds)))
    }

    /// Runs one or more semicolon-separated statements that take no parameters, discarding
    /// any rows they return.
    ///
    /// The corresponding C function is `sqlite3_exec`.
    /// - Throws: a `DocQAError` built from the first failing statement.
    package func execute(_ sql: String) throws {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        try check(code, sql: sql)
    }

    /// Runs a single statement with positional `values` bound to `?1`, `?2`, …, discarding
    /// any rows it returns.
    package func execute(_ sql: String, _ values: [SQLiteValue]) throws {
        let statement = try prepare(sql)
        try statement.bind(values)
        try statement.run()
    }

    /// Compiles exactly one SQL statement.
    ///
    /// The corresponding C function is `sqlite3_prepare_v2`.
    /// - Throws: `.database` for a syntax error, an unknown table or column, an empty
    ///   string, or text after the first statement (use `execute(_:)` for several).
    package func prepare(_ sql: String) throws -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// The first column of the first row of a query, as an integer; `nil` when the query
    /// returns no row or a NULL.
    package func int64(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int64? {
        let statement = try prepare(sql)
        try statement.bind(values)
        guard try statement.step(), !statement.isNull(at: 0) else { return nil }
        return statement.int64(at: 0)
    }

    /// The first column of the first row of a query, as text; `nil` when the query returns
    /// no row or a NULL.
    package func string(_ sql: String, _ values: [SQLiteValue] = []) throws -> String? {
        let statement = try prepare(sql)
        try statement.bind(values)
        guard try statement.step(), !statement.isNull(at: 0) else { return nil }
        return statement.string(at: 0)
    }

    /// How a transaction takes its locks.
    package enum TransactionKind: Sendable {
        /// `BEGIN DEFERRED`: for reading. Sees one snapshot of the database throughout and
        /// never waits for a writer (in WAL mode); it must not write.
        case deferred
        /// `BEGIN IMMEDIATE`: for writing. Takes the write lock up front, so a transaction
        /// that has already read never fails later with `SQLITE_BUSY` when it writes.
        case immediate
    }

    /// Runs `body` in a transaction and returns its value: commits when `body` returns,
    /// rolls back when it (or the commit) throws, then rethrows.
    ///
    /// The outermost call begins a transaction of the given `kind`; waiting for the write
    /// lock follows the busy timeout. A call made while a transaction is open nests as a
    /// savepoint (its `kind` is then that of the outer transaction) and rolls back on its
    /// own.
    ///
    /// - Throws: whatever `body` throws; `.indexBusy` when the write lock is not obtained
    ///   within the busy timeout; `.database` when the commit fails.
    package func inTransaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if isInTransaction {
            savepointDepth += 1
            defer { savepointDepth -= 1 }
            let name = "docqa_savepoint_\(savepointDepth)"
            try execute("SAVEPOINT \(name)")
            do {
                let value = try body()
                try execute("RELEASE \(name)")
                return value
            } catch {
                if isInTransaction {
                    try? execute("ROLLBACK TO \(name); RELEASE \(name)")
                }
                throw error
            }
        }
        try execute(kind == .immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            // Some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM, SQLITE_BUSY) may have
            // rolled the transaction back already; a second ROLLBACK would then fail.
            if isInTransaction {
                try? execute("ROLLBACK")
            }
            throw error
        }
    }

    private var savepointDepth = 0

    /// Whether a transaction is open (the corresponding C function is `sqlite3_get_autocommit`).
    package var isInTransaction: Bool {
        sqlite3_get_autocommit(handle) == 0
    }

    /// The rowid of the most recent successful `INSERT` on this connection.
    ///
    /// The corresponding C function is `sqlite3_last_insert_rowid`.
    package var lastInsertRowID: Int64 {
        sqlite3_last_insert_rowid(handle)
    }

    /// Rows changed by the most recent `INSERT`, `UPDATE` or `DELETE` on this connection.
    ///
    /// The corresponding C function is `sqlite3_changes64`.
    package var changes: Int {
        Int(sqlite3_changes64(handle))
    }

    /// Turns a result code into a thrown error; `SQLITE_OK`, `SQLITE_ROW` and
    /// `SQLITE_DONE` are not errors. Every C call in the layer that returns a code ends here.
    func check(_ code: Int32, sql: String?) throws {
        switch code {
        case SQLITE_OK, SQLITE_ROW, SQLITE_DONE: return
        default: throw makeError(code: code, sql: sql)
        }
    }

    /// The current error of this connection, attributed to `sql`.
    func makeError(code: Int32, sql: String?) -> DocQAError {
        var error = SQLiteError(resultCode: code & 0xff,
                                extendedCode: sqlite3_extended_errcode(handle),
                                message: String(cString: sqlite3_errmsg(handle)),
                                sql: sql, path: path)
        error.systemErrorNumber = sqlite3_system_errno(handle)
        return error.docQAError
    }
}
