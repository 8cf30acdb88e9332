import CSQLite
import Foundation

/// A value SQLite stores in a column or binds to a parameter.
package enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// A compiled SQL statement. Owns one `sqlite3_stmt` handle and finalizes it on deinit;
/// holds its `Connection` strongly so the connection outlives it.
///
/// Parameters are numbered from 1 (`?1`, `?2`, … or plain `?` in order); result columns
/// from 0, as in SQLite. Binding after stepping resets the statement first, so one
/// statement can be rebound and rerun in a loop. Errors are thrown as `DocQAError`; they
/// name the statement's SQL but never the values bound to it.
package final class Statement {
    /// The connection the statement was prepared on.
    package let connection: Connection
    /// The statement's SQL as given to `prepare`.
    package let sql: String
    private let handle: OpaquePointer

    init(connection: Connection, sql: String) throws {
        var prepared: OpaquePointer?
        var tailOffset = 0
        let code = sql.withCString { start in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(connection.handle, start, -1, &prepared, &tail)
            if let tail { tailOffset = tail - start }
            return code
        }
        try connection.check(code, sql: sql)
        guard let prepared else {
            throw SQLiteError(resultCode: SQLITE_MISUSE, extendedCode: SQLITE_MISUSE,
                              message: "no SQL statement in the text", sql: sql,
                              path: connection.path).docQAError
        }
        // prepare_v2 compiles only the first statement; silently ignoring the rest would
        // hide a programming mistake.
        let rest = sql.utf8.dropFirst(tailOffset)
        if rest.contains(where: { !($0 == UInt8(ascii: ";") || $0 == 0x20 || (0x09...0x0D).contains($0)) }) {
            sqlite3_finalize(prepared)
            throw SQLiteError(resultCode: SQLITE_MISUSE, extendedCode: SQLITE_MISUSE,
                              message: "more than one SQL statement given to prepare",
                              sql: sql, path: connection.path).docQAError
        }
        self.connection = connection
        self.sql = sql
        self.handle = prepared
    }

    deinit {
        sqlite3_finalize(handle)
    }

    // MARK: Binding

    /// Binds an integer, or NULL when `value` is `nil`, to parameter `index` (from 1).
    /// - Throws: `.database` (`SQLITE_RANGE`) when the statement has no such parameter.
    package func bind(_ value: Int64?, at index: Int) throws {
        guard let value else { return try bindNull(at: index) }
        try prepareToBind()
        try check(sqlite3_bind_int64(handle, Int32(index), value))
    }

    /// Binds an integer, or NULL when `value` is `nil`, to parameter `index` (from 1).
    package func bind(_ value: Int?, at index: Int) throws {
        try bind(value.map(Int64.init), at: index)
    }

    /// Binds a floating-point number, or NULL when `value` is `nil`, to parameter `index`.
    package func bind(_ value: Double?, at index: Int) throws {
        guard let value else { return try bindNull(at: index) }
        try prepareToBind()
        try check(sqlite3_bind_double(handle, Int32(index), value))
    }

    /// Binds UTF-8 text (copied; embedded NULs kept), or NULL when `value` is `nil`.
    package func bind(_ value: String?, at index: Int) throws {
        guard var value else { return try bindNull(at: index) }
        try prepareToBind()
        let code = value.withUTF8 { bytes -> Int32 in
            // A nil base address would bind NULL, not the empty string.
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_text(handle, Int32(index), "", 0, docqa_sqlite_transient())
            }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { text in
                sqlite3_bind_text64(handle, Int32(index), text, UInt64(bytes.count),
                                    docqa_sqlite_transient(), UInt8(SQLITE_UTF8))
            }
        }
        try check(code)
    }

    /// Binds bytes as a blob (copied), or NULL when `value` is `nil`. Empty data binds a
    /// zero-length blob, not NULL.
    package func bind(_ value: Data?, at index: Int) throws {
        guard let value else { return try bindNull(at: index) }
        try prepareToBind()
        let code = value.withUnsafeBytes { bytes in
            bindBlob(bytes, at: index)
        }
        try check(code)
    }

    /// Binds floats as a blob of little-endian IEEE-754 binary32 values, 4 bytes each, or
    /// NULL when `floats` is `nil`.
    package func bind(floats: [Float]?, at index: Int) throws {
        guard let floats else { return try bindNull(at: index) }
        try prepareToBind()
        #if _endian(little)
        let code = floats.withUnsafeBytes { bytes in bindBlob(bytes, at: index) }
        #else
        let code = floats.map { $0.bitPattern.littleEndian }.withUnsafeBytes { bytes in
            bindBlob(bytes, at: index)
        }
        #endif
        try check(code)
    }

    /// Binds NULL to parameter `index` (from 1).
    package func bindNull(at index: Int) throws {
        try prepareToBind()
        try check(sqlite3_bind_null(handle, Int32(index)))
    }

    /// Binds one value to parameter `index` (from 1).
    package func bind(_ value: SQLiteValue, at index: Int) throws {
        switch value {
        case .null: try bindNull(at: index)
        case .integer(let integer): try bind(integer, at: index)
        case .real(let real): try bind(real, at: index)
        case .text(let text): try bind(text, at: index)
        case .blob(let data): try bind(data, at: index)
        }
    }

    /// Binds `values` to parameters 1, 2, … in order.
    /// - Throws: `.database` (`SQLITE_RANGE`) when there are more values than parameters.
    package func bind(_ values: [SQLiteValue]) throws {
        for (offset, value) in values.enumerated() {
            try bind(value, at: offset + 1)
        }
    }

    /// Sets every parameter back to NULL (the corresponding C function is
    /// `sqlite3_clear_bindings`).
    package func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    private func bindBlob(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            return sqlite3_bind_zeroblob(handle, Int32(index), 0)
        }
        return sqlite3_bind_blob64(handle, Int32(index), base, UInt64(bytes.count),
                                   docqa_sqlite_transient())
    }

    /// SQLite refuses to bind while a statement is mid-run; rebinding means starting over.
    private func prepareToBind() throws {
        if sqlite3_stmt_busy(handle) != 0 { reset() }
    }

    // MARK: Running

    /// Runs the statement to its next row. Returns `true` when a row is ready to read,
    /// `false` when the statement has finished.
    ///
    /// The corresponding C function is `sqlite3_step`. After an error the statement is
    /// reset, so it can be rebound and run again.
    /// - Throws: `.indexBusy` when a lock is not obtained within the busy timeout,
    ///   `.indexCorrupt` for a damaged file or one that is not a database, `.database`
    ///   for everything else (constraint failures included).
    package func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = connection.makeError(code: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Runs the statement to completion, discarding any rows, and resets it.
    package func run() throws {
        while try step() {}
        reset()
    }

    /// Makes the statement ready to run again, keeping its bindings (the corresponding C
    /// function is `sqlite3_reset`). Its return code only repeats the last `step` error,
    /// already thrown there, so it is ignored.
    package func reset() {
        sqlite3_reset(handle)
    }

    // MARK: Reading the current row

    /// The number of columns in the statement's result rows.
    package var columnCount: Int {
        Int(sqlite3_column_count(handle))
    }

    /// The name of result column `index` (from 0), as the SQL gives it.
    package func columnName(at index: Int) -> String {
        guard let name = sqlite3_column_name(handle, Int32(index)) else { return "" }
        return String(cString: name)
    }

    /// Whether column `index` (from 0) of the current row is NULL.
    package func isNull(at index: Int) -> Bool {
        sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    /// Column `index` as an integer, converted the SQLite way (NULL is 0).
    package func int64(at index: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(index))
    }

    /// Column `index` as an integer, converted the SQLite way (NULL is 0).
    package func int(at index: Int) -> Int {
        Int(truncatingIfNeeded: int64(at: index))
    }

    /// Column `index` as an integer, or `nil` when it is NULL.
    package func optionalInt(at index: Int) -> Int? {
        isNull(at: index) ? nil : int(at: index)
    }

    /// Column `index` as a floating-point number, converted the SQLite way (NULL is 0).
    package func double(at index: Int) -> Double {
        sqlite3_column_double(handle, Int32(index))
    }

    /// Column `index` as text (NULL is the empty string). Invalid UTF-8 is repaired with
    /// U+FFFD rather than dropped.
    package func string(at index: Int) -> String {
        // text before bytes: sqlite3_column_bytes then measures the converted text.
        guard let text = sqlite3_column_text(handle, Int32(index)) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// Column `index` as text, or `nil` when it is NULL.
    package func optionalString(at index: Int) -> String? {
        isNull(at: index) ? nil : string(at: index)
    }

    /// Calls `body` with the bytes of column `index` as a blob (empty for NULL) without
    /// copying them. The bytes are valid only inside `body`.
    package func withBlobBytes<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let base = sqlite3_column_blob(handle, Int32(index))
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        guard let base, count > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Column `index` as a blob (NULL is empty data).
    package func data(at index: Int) -> Data {
        withBlobBytes(at: index) { Data($0) }
    }

    /// Column `index` as a blob, or `nil` when it is NULL.
    package func optionalData(at index: Int) -> Data? {
        isNull(at: index) ? nil : data(at: index)
    }

    /// Column `index` read as little-endian binary32 floats, as `bind(floats:at:)` wrote
    /// them; `nil` when the blob's length is not a multiple of 4. NULL is empty.
    package func floats(at index: Int) -> [Float]? {
        withBlobBytes(at: index) { bytes in
            guard bytes.count % 4 == 0 else { return nil }
            return [Float](unsafeUninitializedCapacity: bytes.count / 4) { buffer, initialized in
                #if _endian(little)
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes)
                #else
                for i in 0..<(bytes.count / 4) {
                    let bits = bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
                    buffer[i] = Float(bitPattern: UInt32(littleEndian: bits))
                }
                #endif
                initialized = bytes.count / 4
            }
        }
    }

    /// Column `index` as whatever type SQLite holds in it.
    package func value(at index: Int) -> SQLiteValue {
        switch sqlite3_column_type(handle, Int32(index)) {
        case SQLITE_INTEGER: return .integer(int64(at: index))
        case SQLITE_FLOAT: return .real(double(at: index))
        case SQLITE_TEXT: return .text(string(at: index))
        case SQLITE_BLOB: return .blob(data(at: index))
        default: return .null
        }
    }

    private func check(_ code: Int32) throws {
        try connection.check(code, sql: sql)
    }
}
