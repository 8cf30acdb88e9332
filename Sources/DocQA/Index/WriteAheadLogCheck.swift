import Foundation

/// Refuses a write-ahead log (`INDEX-wal`) that another database wrote, before SQLite
/// sees it.
///
/// SQLite trusts any valid log next to a database: it would replay a foreign log's pages
/// into the index and, when the last connection closes, checkpoint them into the file,
/// turning the index into a copy of the other database. Nothing in the log names its
/// database, but page 1 (the database header) carries the page size and the
/// application id: when the log's page size differs from the index's, or the log holds a
/// page 1 whose application id is not docqa's, the log is not the index's.
///
/// A log from another docqa index (or an older copy of the same one) passes this check;
/// SQLite cannot tell those apart either.
enum WriteAheadLogCheck {
    /// Throws `.indexCorrupt` when the log beside `indexPath` belongs to another database.
    /// A missing, empty or unreadable log, or one SQLite would ignore (bad magic), passes.
    static func check(indexPath: String, applicationID: UInt32) throws {
        let logPath = indexPath + "-wal"
        guard let log = FileHandle(forReadingAtPath: logPath) else { return }
        defer { try? log.close() }
        guard let header = try? log.read(upToCount: 32), header.count == 32 else { return }
        let magic = bigEndian(header, 0)
        guard magic == 0x377F_0682 || magic == 0x377F_0683 else { return }
        let logPageSize = Int(bigEndian(header, 8))
        let salts = (bigEndian(header, 16), bigEndian(header, 20))

        if let index = FileHandle(forReadingAtPath: indexPath) {
            defer { try? index.close() }
            if let databaseHeader = try? index.read(upToCount: 100), databaseHeader.count == 100 {
                let raw = Int(databaseHeader[16]) << 8 | Int(databaseHeader[17])
                let pageSize = raw == 1 ? 65536 : raw
                if pageSize != logPageSize {
                    throw foreignLog(indexPath)
                }
            }
        }
        guard logPageSize >= 512 else { return }

        // Walk the frames (24-byte header, then the page), looking at each page 1 that
        // belongs to this log (its salts match the log header's).
        var offset: UInt64 = 32
        while true {
            guard (try? log.seek(toOffset: offset)) != nil,
                  let frame = try? log.read(upToCount: 24 + 72), frame.count == 24 + 72 else { return }
            if bigEndian(frame, 0) == 1, bigEndian(frame, 8) == salts.0, bigEndian(frame, 12) == salts.1 {
                // The application id is at byte 68 of the database header.
                let id = bigEndian(frame, 24 + 68)
                if id != applicationID { throw foreignLog(indexPath) }
            }
            offset += 24 + UInt64(logPageSize)
        }
    }

    private static func bigEndian(_ data: Data, _ offset: Int) -> UInt32 {
        let start = data.startIndex + offset
        return data[start..<start + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func foreignLog(_ indexPath: String) -> DocQAError {
        DocQAError(.indexCorrupt,
            "The log file beside the index (\((indexPath as NSString).lastPathComponent)-wal) was written by "
            + "another database, so the index was not opened (SQLite would have copied that database over it). "
            + "Move that -wal file out of the folder, then run the command again.", path: indexPath)
    }
}
