import Foundation

// Per-file states: the last outcome of every file an indexing run met.
extension IndexStore {
    // MARK: File states

    /// Records each file's outcome, all in one transaction.
    ///
    /// A state equal to the one recorded (same kind, code and reason) is left as it is,
    /// so a file failing the same way keeps the time of its first failure and a run over
    /// unchanged files writes nothing. `error` gives `.skipped` and `.failed` states their
    /// code and reason.
    /// - Throws: `.indexBusy` when another process is writing; `.database` for other failures.
    public func recordFileStates(_ states: [(path: String, kind: FileState.Kind, error: DocQAError?)]) throws {
        guard !states.isEmpty else { return }
        let now = Date().timeIntervalSince1970
        try db.inTransaction {
            for state in states where !state.path.isEmpty {
                try upsertFileState(state.path, state.kind, code: state.error?.code.rawValue,
                                    reason: state.error?.message, at: now, keepingSameState: true)
            }
        }
    }

    /// Writes one file's state; `keepingSameState` leaves an equal state (and its time) alone.
    func upsertFileState(_ path: String, _ kind: FileState.Kind, code: String?, reason: String?,
                         at time: Double, keepingSameState: Bool) throws {
        let statement = try db.prepare("""
            INSERT INTO file_states(path, state, code, reason, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT(path) DO UPDATE
                SET state = excluded.state, code = excluded.code, reason = excluded.reason,
                    recorded_at = excluded.recorded_at
                WHERE NOT ?6 OR file_states.state IS NOT excluded.state
                   OR file_states.code IS NOT excluded.code OR file_states.reason IS NOT excluded.reason
            """)
        try statement.bind(path, at: 1)
        try statement.bind(kind.rawValue, at: 2)
        try statement.bind(code, at: 3)
        try statement.bind(reason, at: 4)
        try statement.bind(time, at: 5)
        try statement.bind(keepingSameState ? 1 : 0, at: 6)
        try statement.run()
    }

    /// The recorded state of every file (or, with `problemsOnly`, of the skipped and
    /// failed ones), ordered by path. `isStale` is set for a skipped or failed file whose
    /// earlier version is still indexed.
    /// - Throws: `.indexCorrupt` when a row holds a state this docqa does not know.
    public func fileStates(problemsOnly: Bool = false) throws -> [FileState] {
        try readFileStates(where: problemsOnly ? "s.state IN ('skipped', 'failed')" : "1", [])
    }

    /// The paths of stale documents: files whose last run failed (or skipped them) while
    /// their earlier version stays indexed and searchable.
    public func stalePaths() throws -> Set<String> {
        Set(try fileStates(problemsOnly: true).filter(\.isStale).map(\.path))
    }

    /// The recorded state of the file at exactly `path`, or `nil`.
    public func fileState(atPath filePath: String) throws -> FileState? {
        try readFileStates(where: "s.path = ?1", [.text(filePath)]).first
    }

    private func readFileStates(where condition: String, _ values: [SQLiteValue]) throws -> [FileState] {
        let statement = try db.prepare("""
            SELECT s.path, s.state, s.code, s.reason, s.recorded_at,
                   EXISTS (SELECT 1 FROM documents AS d WHERE d.path = s.path)
            FROM file_states AS s
            WHERE \(condition)
            ORDER BY s.path
            """)
        try statement.bind(values)
        var states: [FileState] = []
        while try statement.step() {
            guard let kind = FileState.Kind(rawValue: statement.string(at: 1)) else {
                throw DocQAError(.indexCorrupt,
                    "The index records a file state this docqa does not know. Upgrade docqa, "
                    + "or build a new index with `docqa index`.", path: path)
            }
            states.append(FileState(path: statement.string(at: 0), kind: kind,
                                    code: statement.optionalString(at: 2).map(DocQAError.Code.init(rawValue:)),
                                    reason: statement.optionalString(at: 3),
                                    recordedAt: Date(timeIntervalSince1970: statement.double(at: 4)),
                                    isStale: kind.isProblem && statement.int(at: 5) != 0))
        }
        return states
    }

    /// Forgets the states of files at these paths (files gone from disk). Their documents,
    /// if any, are not touched.
    public func removeFileStates(atPaths paths: [String]) throws {
        guard !paths.isEmpty else { return }
        try db.inTransaction {
            let statement = try db.prepare("DELETE FROM file_states WHERE path = ?1")
            for filePath in paths {
                try statement.bind(filePath, at: 1)
                try statement.run()
                statement.reset()
            }
        }
    }
}
