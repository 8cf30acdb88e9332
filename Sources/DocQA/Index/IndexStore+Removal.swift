import Foundation

// `docqa remove` and `docqa purge`.
extension IndexStore {
    /// Removes the documents indexed under any of `paths` (exactly that path, inside that
    /// folder, or an attachment of that message) with their chunks, vectors and keyword entries, and forgets those
    /// files' states, in one transaction. Their text stays in the file's free space and
    /// log until `purge()`.
    ///
    /// - Parameter paths: absolute, standardized paths of files or folders.
    /// - Returns: the paths of the removed documents, how many file states (of documents
    ///   or of files that never were indexed) were forgotten, and the paths under which
    ///   the index held neither.
    public func removeDocuments(under paths: [String]) throws
        -> (documents: [String], fileStates: Int, unmatched: [String]) {
        dropCaches()
        return try db.inTransaction {
            var removed: [String] = []
            var states = 0
            var unmatched: [String] = []
            let match = "path = ?1 OR substr(path, 1, length(?2)) = ?2 OR substr(path, 1, length(?3)) = ?3"
            for root in paths {
                let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
                let values: [SQLiteValue] = [.text(trimmed), .text(trimmed == "/" ? "/" : trimmed + "/"),
                                             .text(trimmed + Indexer.attachmentSeparator)]
                let listed = try db.prepare("SELECT path FROM documents WHERE \(match) ORDER BY path")
                try listed.bind(values)
                let before = removed.count
                while try listed.step() { removed.append(listed.string(at: 0)) }
                // Chunks cascade from documents, vectors from chunks; triggers clear FTS rows.
                try db.execute("DELETE FROM documents WHERE \(match)", values)
                try db.execute("DELETE FROM file_states WHERE \(match)", values)
                states += db.changes
                if removed.count == before && db.changes == 0 { unmatched.append(root) }
            }
            return (removed, states, unmatched)
        }
    }

    /// Makes the text and vectors of removed and replaced documents unrecoverable from the
    /// index file and its write-ahead log, and returns the space they held.
    ///
    /// Deleted rows are already overwritten with zeros (`PRAGMA secure_delete`), but the
    /// keyword index keeps a removed chunk's words in its segments until they are merged,
    /// and the log keeps old pages until it is reset. So: the keyword index is rebuilt
    /// from the chunks that remain, the file is rebuilt (`VACUUM`, which also returns the
    /// free pages) and the log is checkpointed and truncated to zero bytes. Measured on a
    /// canary document: after a plain removal the canary is still in both files; after
    /// the rebuild and checkpoint it is in neither (see the README).
    ///
    /// Call with the index's write lock held. Not an error: nothing was removed.
    /// - Throws: `.indexBusy` when another process is reading the index and the log could
    ///   not be reset (run purge again once it has finished); `.database` otherwise, e.g.
    ///   when the disk has no room for the rebuilt copy.
    public func purge() throws -> PurgeReport {
        dropCaches()
        let before = storedBytes()
        try db.execute("PRAGMA secure_delete = ON")
        try db.inTransaction {
            try db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')")
        }
        try db.execute("VACUUM")
        let checkpoint = try db.prepare("PRAGMA wal_checkpoint(TRUNCATE)")
        guard try checkpoint.step(), checkpoint.int(at: 0) == 0 else {
            throw DocQAError(.indexBusy,
                "another program (such as docqa ask or search) is reading this index, so its log could not be "
                + "cleared; run docqa purge again when it has finished.", path: path)
        }
        return PurgeReport(bytesBefore: before, bytesAfter: storedBytes())
    }

    /// Bytes of the index file and its write-ahead log.
    func storedBytes() -> Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            var info = stat()
            return total + (stat(file, &info) == 0 ? Int64(info.st_size) : 0)
        }
    }
}

/// What `IndexStore.purge()` did.
public struct PurgeReport: Sendable, Equatable {
    /// Bytes of the index file and its write-ahead log before the purge.
    public var bytesBefore: Int64
    /// Bytes of the index file and its write-ahead log after it.
    public var bytesAfter: Int64
    /// `bytesBefore - bytesAfter`, never negative.
    public var bytesReclaimed: Int64 { max(0, bytesBefore - bytesAfter) }
}
