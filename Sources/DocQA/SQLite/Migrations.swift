/// One step of a database schema's history: the change that takes a database from
/// schema `version - 1` to `version`.
package struct Migration: Sendable {
    /// The schema version this migration produces, from 1.
    package let version: Int
    /// What the migration does, for readers of the code and error messages.
    package let summary: String
    /// Applies the change. Runs inside a transaction that also sets `user_version`; it
    /// must not begin or end transactions itself.
    package let apply: @Sendable (Connection) throws -> Void

    package init(version: Int, summary: String, apply: @escaping @Sendable (Connection) throws -> Void) {
        self.version = version
        self.summary = summary
        self.apply = apply
    }
}

/// Brings a database's schema up to date with an ordered list of migrations, recording
/// progress in `PRAGMA user_version`.
///
/// Each migration runs in its own transaction together with the version bump, so an
/// interrupted upgrade leaves the database at the last completed version. A database
/// whose version is newer than the last migration is refused rather than guessed at.
package struct Migrator: Sendable {
    /// The migrations, versions 1, 2, 3, … in order.
    package let migrations: [Migration]

    /// - Precondition: the versions are 1, 2, 3, … with no gaps (a programming error).
    package init(_ migrations: [Migration]) {
        precondition(migrations.enumerated().allSatisfy { $0.offset + 1 == $0.element.version },
                     "migrations must be numbered 1, 2, 3, … in order")
        self.migrations = migrations
    }

    /// The schema version the last migration produces; 0 when there are none.
    package var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The schema version recorded in the database (`PRAGMA user_version`).
    /// - Throws: `.indexCorrupt` when the file is not a database.
    package func currentVersion(of connection: Connection) throws -> Int {
        Int(try connection.int64("PRAGMA user_version") ?? 0)
    }

    /// Throws unless this code understands the database's schema version. Reads only.
    /// - Throws: `.indexTooNew` when the database was written by a newer schema;
    ///   `.indexCorrupt` when the file is not a database.
    package func checkCompatible(_ connection: Connection) throws {
        let version = try currentVersion(of: connection)
        guard version <= latestVersion else {
            throw DocQAError(.indexTooNew,
                "The index was written by a newer version of docqa (schema version \(version); "
                + "this docqa understands up to \(latestVersion)). "
                + "Upgrade docqa, or build a new index for this version with `docqa index`.",
                path: connection.path)
        }
    }

    /// Applies every migration the database has not seen yet, oldest first.
    ///
    /// The version is read again inside each transaction, so two processes opening a new
    /// database at once apply each migration once.
    /// - Throws: `.indexTooNew` (see `checkCompatible`), or the error of the failing
    ///   migration, after rolling that migration back.
    package func migrate(_ connection: Connection) throws {
        try checkCompatible(connection)
        for migration in migrations where try currentVersion(of: connection) < migration.version {
            try connection.inTransaction {
                let version = try currentVersion(of: connection)
                guard version < migration.version else { return }
                try checkCompatible(connection)
                try migration.apply(connection)
                try connection.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }
}
