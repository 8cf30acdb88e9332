import DocQATestSupport
import Foundation
import Testing
@testable import DocQA

/// Runs `body` with a new database file in a fresh temporary folder.
private func withDatabase<T>(_ body: (Connection) throws -> T) throws -> T {
    try withTemporaryFolder { folder throws in
        let db = try Connection(path: folder + "/test.sqlite", mode: .readWriteCreate)
        return try body(db)
    }
}

private struct Planned: Error {}

@Suite("SQLite layer")
struct SQLiteTests {
    /// Every bindable type reads back as bound, including the edge cases: empty text and
    /// empty data stay non-NULL, text keeps embedded NULs and non-ASCII, nil binds NULL.
    @Test func bindAndReadEveryType() throws {
        try withDatabase { db throws in
            try db.execute("CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, f BLOB, e TEXT, z BLOB, n)")
            let insert = try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            try insert.bind(Int64.min, at: 1)
            try insert.bind(-1.5e300, at: 2)
            try insert.bind("café\u{0}naïve ✓", at: 3)
            try insert.bind(Data([0, 1, 2, 255]), at: 4)
            try insert.bind(floats: [1.5, -0.25, .greatestFiniteMagnitude, 0], at: 5)
            try insert.bind("", at: 6)
            try insert.bind(Data(), at: 7)
            try insert.bind(nil as String?, at: 8)
            try insert.run()
            #expect(db.changes == 1)
            #expect(db.lastInsertRowID == 1)

            let select = try db.prepare("SELECT i, r, s, b, f, e, z, n, typeof(f), length(f) FROM t")
            #expect(try select.step())
            #expect(select.columnCount == 10)
            #expect(select.columnName(at: 2) == "s")
            #expect(select.int64(at: 0) == Int64.min)
            #expect(select.double(at: 1) == -1.5e300)
            #expect(select.string(at: 2) == "café\u{0}naïve ✓")
            #expect(select.data(at: 3) == Data([0, 1, 2, 255]))
            #expect(select.floats(at: 4) == [1.5, -0.25, .greatestFiniteMagnitude, 0])
            #expect(select.optionalString(at: 5) == "")
            #expect(select.optionalData(at: 6) == Data())
            #expect(select.isNull(at: 7))
            #expect(select.optionalInt(at: 7) == nil)
            #expect(select.value(at: 7) == .null)
            #expect(select.string(at: 8) == "blob")
            #expect(select.int(at: 9) == 16)
            #expect(try !select.step())
        }
    }

    /// Floats are stored little-endian, four bytes each, whatever the host.
    @Test func floatsAreLittleEndian() throws {
        try withDatabase { db throws in
            let statement = try db.prepare("SELECT hex(?1)")
            try statement.bind(floats: [1.0], at: 1)
            #expect(try statement.step())
            #expect(statement.string(at: 0) == "0000803F")
        }
    }

    /// One statement can be rebound and rerun without an explicit reset, and values
    /// bound through `SQLiteValue` round-trip.
    @Test func rebindAndRerun() throws {
        try withDatabase { db throws in
            try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v)")
            let insert = try db.prepare("INSERT INTO t(v) VALUES (?1)")
            let values: [SQLiteValue] = [.integer(7), .real(2.5), .text("x"), .blob(Data([9])), .null]
            for value in values {
                try insert.bind([value])
                try insert.run()
            }
            #expect(db.lastInsertRowID == 5)
            let select = try db.prepare("SELECT v FROM t WHERE id = ?1")
            for (offset, value) in values.enumerated() {
                try select.bind(offset + 1, at: 1)
                #expect(try select.step())
                #expect(select.value(at: 0) == value)
            }
            try db.execute("DELETE FROM t WHERE id > ?1", [.integer(2)])
            #expect(db.changes == 3)
            #expect(try db.int64("SELECT count(*) FROM t") == 2)
            #expect(try db.string("SELECT v FROM t WHERE id = 99") == nil)
        }
    }

    /// A statement keeps its connection alive after the caller drops the connection.
    @Test func statementKeepsConnectionAlive() throws {
        try withTemporaryFolder { folder throws in
            func makeStatement() throws -> Statement {
                let db = try Connection(path: folder + "/alive.sqlite", mode: .readWriteCreate)
                try db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (42)")
                return try db.prepare("SELECT x FROM t")
            }
            let statement = try makeStatement()
            #expect(try statement.step())
            #expect(statement.int(at: 0) == 42)
        }
    }

    /// SQL errors are `.database` errors naming the SQL and SQLite's message, but never
    /// the values bound to the statement.
    @Test func errorsNameTheSQLButNotTheValues() throws {
        try withDatabase { db throws in
            let syntax = #expect(throws: DocQAError.self) { try db.prepare("SELEKT 1") }
            #expect(syntax?.code == .database)
            #expect(syntax?.message.contains("SELEKT 1") == true)
            #expect(syntax?.message.contains("syntax error") == true)
            #expect(syntax?.path == db.path)

            let two = #expect(throws: DocQAError.self) { try db.prepare("SELECT 1; SELECT 2") }
            #expect(two?.code == .database)

            let empty = #expect(throws: DocQAError.self) { try db.prepare("  ") }
            #expect(empty?.code == .database)

            try db.execute("CREATE TABLE t(v TEXT UNIQUE)")
            let insert = try db.prepare("INSERT INTO t(v) VALUES (?1)")
            try insert.bind("privileged secret", at: 1)
            try insert.run()
            try insert.bind("privileged secret", at: 1)
            let duplicate = #expect(throws: DocQAError.self) { try insert.run() }
            #expect(duplicate?.code == .database)
            #expect(duplicate?.message.contains("UNIQUE constraint failed") == true)
            #expect(duplicate?.message.contains("INSERT INTO t(v)") == true)
            #expect(duplicate?.message.contains("2067") == true)  // SQLITE_CONSTRAINT_UNIQUE
            #expect(duplicate?.message.contains("secret") == false)

            let range = #expect(throws: DocQAError.self) { try insert.bind(1, at: 5) }
            #expect(range?.code == .database)
        }
    }

    /// `inTransaction` commits and returns the closure's value; a throw rolls everything
    /// back and is rethrown unchanged.
    @Test func transactionsCommitOrRollBack() throws {
        try withDatabase { db throws in
            try db.execute("CREATE TABLE t(x)")
            let value = try db.inTransaction {
                try db.execute("INSERT INTO t VALUES (1)")
                #expect(db.isInTransaction)
                return "done"
            }
            #expect(value == "done")
            #expect(!db.isInTransaction)

            #expect(throws: Planned.self) {
                try db.inTransaction {
                    try db.execute("INSERT INTO t VALUES (2)")
                    throw Planned()
                }
            }
            #expect(!db.isInTransaction)
            #expect(try db.int64("SELECT group_concat(x) FROM t") == 1)
        }
    }

    /// A nested `inTransaction` is a savepoint: its failure undoes only its own work.
    @Test func nestedTransactionsAreSavepoints() throws {
        try withDatabase { db throws in
            try db.execute("CREATE TABLE t(x)")
            try db.inTransaction {
                try db.execute("INSERT INTO t VALUES (1)")
                _ = try? db.inTransaction {
                    try db.execute("INSERT INTO t VALUES (2)")
                    throw Planned()
                }
                try db.inTransaction {
                    try db.execute("INSERT INTO t VALUES (3)")
                }
            }
            #expect(try db.string("SELECT group_concat(x) FROM t ORDER BY x") == "1,3")
        }
    }

    /// While one connection holds the write lock, another with no busy timeout fails at
    /// once with `.indexBusy`, and a read-only transaction is not blocked in WAL mode.
    @Test func busyDatabase() throws {
        try withTemporaryFolder { folder throws in
            let path = folder + "/busy.sqlite"
            let writer = try Connection(path: path, mode: .readWriteCreate)
            try writer.execute("PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1)")
            let other = try Connection(path: path, busyTimeout: nil)
            try writer.inTransaction {
                try writer.execute("INSERT INTO t VALUES (2)")
                let busy = #expect(throws: DocQAError.self) {
                    try other.inTransaction { try other.execute("INSERT INTO t VALUES (3)") }
                }
                #expect(busy?.code == .indexBusy)
                #expect(busy?.message.contains("another docqa process") == true)
                #expect(!other.isInTransaction)
                let seen = try other.inTransaction(.deferred) { try other.int64("SELECT count(*) FROM t") }
                #expect(seen == 1)
            }
        }
    }

    /// A file that is not a database opens (SQLite opens lazily) but the first read fails
    /// with `.indexCorrupt`, and the file is unchanged.
    @Test func notADatabase() throws {
        try withTemporaryFolder { folder throws in
            let path = folder + "/notes.txt"
            let original = Data(String(repeating: "These are my notes, not a database.\n", count: 200).utf8)
            try original.write(to: URL(fileURLWithPath: path))
            let db = try Connection(path: path)
            let error = #expect(throws: DocQAError.self) { try db.int64("SELECT count(*) FROM sqlite_schema") }
            #expect(error?.code == .indexCorrupt)
            #expect(error?.message.contains("docqa index") == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
        }
    }

    /// Opening a missing file without `.readWriteCreate` fails and creates nothing.
    @Test func missingFileIsNotCreated() throws {
        try withTemporaryFolder { folder throws in
            let path = folder + "/missing.sqlite"
            let error = #expect(throws: DocQAError.self) { try Connection(path: path, mode: .readWrite) }
            #expect(error?.code == .database)
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    /// Migrations run in order once each, recording the version in `user_version`.
    @Test func migrationsRunInOrderOnce() throws {
        try withDatabase { db throws in
            let migrator = Migrator([
                Migration(version: 1, summary: "create") { db in
                    try db.execute("CREATE TABLE log(step)")
                    try db.execute("INSERT INTO log VALUES (1)")
                },
                Migration(version: 2, summary: "extend") { db in
                    try db.execute("INSERT INTO log VALUES (2)")
                },
            ])
            try migrator.migrate(db)
            try migrator.migrate(db)
            #expect(try migrator.currentVersion(of: db) == 2)
            #expect(try db.string("SELECT group_concat(step) FROM log") == "1,2")
        }
    }

    /// A failing migration is rolled back completely and leaves the earlier version.
    @Test func failingMigrationRollsBack() throws {
        try withDatabase { db throws in
            let migrator = Migrator([
                Migration(version: 1, summary: "create") { db in try db.execute("CREATE TABLE a(x)") },
                Migration(version: 2, summary: "fail halfway") { db in
                    try db.execute("CREATE TABLE b(x)")
                    try db.execute("INSERT INTO nowhere VALUES (1)")
                },
            ])
            #expect(throws: DocQAError.self) { try migrator.migrate(db) }
            #expect(try migrator.currentVersion(of: db) == 1)
            #expect(try db.int64("SELECT count(*) FROM sqlite_schema WHERE name = 'b'") == 0)
        }
    }

    /// A database whose `user_version` is beyond the last migration is refused with
    /// `.indexTooNew` and not touched.
    @Test func tooNewSchemaIsRefused() throws {
        try withDatabase { db throws in
            try db.execute("PRAGMA user_version = 9")
            let migrator = Migrator([
                Migration(version: 1, summary: "create") { db in try db.execute("CREATE TABLE a(x)") },
            ])
            let error = #expect(throws: DocQAError.self) { try migrator.migrate(db) }
            #expect(error?.code == .indexTooNew)
            #expect(error?.message.contains("schema version 9") == true)
            #expect(try migrator.currentVersion(of: db) == 9)
            #expect(try db.int64("SELECT count(*) FROM sqlite_schema") == 0)
        }
    }
}
