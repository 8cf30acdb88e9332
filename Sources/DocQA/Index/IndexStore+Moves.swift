import Foundation

// Renamed and moved files, re-pointed by content hash.
extension IndexStore {
    /// The documents stored with this content hash, ordered by path.
    public func documents(withContentHash hash: String) throws -> [StoredDocument] {
        let statement = try db.prepare("""
            SELECT \(Self.documentColumns) FROM documents AS d WHERE d.content_hash = ?1 ORDER BY d.path
            """)
        try statement.bind(hash, at: 1)
        var documents: [StoredDocument] = []
        while try statement.step() {
            documents.append(try readDocument(statement))
        }
        return documents
    }

    /// Gives the document indexed under `oldPath` the path `newPath`, keeping its chunks,
    /// vectors and their ids, in one transaction. A document already indexed under
    /// `newPath` is replaced. The keyword index's context (title, file name, headings) is
    /// updated to the new file name; the vectors keep the old name's small share of each
    /// chunk's embedding until the file next changes.
    ///
    /// - Returns: the document as stored under `newPath`.
    /// - Throws: `.invalidArgument` when nothing is indexed under `oldPath`; `.indexBusy`,
    ///   `.database` as for other writes.
    @discardableResult
    public func moveDocument(from oldPath: String, to newPath: String) throws -> StoredDocument {
        dropCaches()
        try db.inTransaction {
            try db.execute("DELETE FROM documents WHERE path = ?1", [.text(newPath)])
            try db.execute("UPDATE documents SET path = ?2 WHERE path = ?1", [.text(oldPath), .text(newPath)])
            guard db.changes == 1 else {
                throw DocQAError(.invalidArgument, "No document is indexed under this path, so it cannot be moved.",
                                 path: oldPath)
            }
            let chunks = try db.prepare("""
                SELECT c.id, c.section, d.title FROM chunks AS c JOIN documents AS d ON d.id = c.document_id
                WHERE d.path = ?1
                """)
            try chunks.bind(newPath, at: 1)
            var contexts: [(Int64, String)] = []
            while try chunks.step() {
                contexts.append((chunks.int64(at: 0),
                                 ChunkContext.text(title: chunks.optionalString(at: 2), path: newPath,
                                                   section: chunks.string(at: 1))))
            }
            let update = try db.prepare("UPDATE chunks SET context = ?2 WHERE id = ?1 AND context IS NOT ?2")
            for (id, context) in contexts {
                try update.bind(id, at: 1)
                try update.bind(context, at: 2)
                try update.run()
                update.reset()
            }
            try db.execute("DELETE FROM file_states WHERE path = ?1", [.text(oldPath)])
            try upsertFileState(newPath, .renamed, code: nil, reason: oldPath,
                                at: Date().timeIntervalSince1970, keepingSameState: false)
        }
        guard let moved = try document(atPath: newPath) else {
            throw DocQAError(.database, "The moved document is missing after the move; run `docqa index` again.",
                             path: newPath)
        }
        return moved
    }
}
