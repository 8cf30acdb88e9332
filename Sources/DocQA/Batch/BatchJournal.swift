import Foundation

/// A batch's JSONL file: the run line, then one line per answered question, appended and
/// flushed to disk one at a time, so that an interrupted run loses at most the question
/// it was on and a re-run picks up where it stopped.
public final class BatchJournal {
    public let path: String
    /// The run that made the file.
    public private(set) var run: BatchRun
    /// Every answer line, in file order (a retried question appears again later).
    public private(set) var records: [BatchRecord]
    private let handle: FileHandle

    /// Opens `path` for `run`: creates it, or reads what an earlier run of the same
    /// questions, models, index and settings left there.
    ///
    /// A last line cut short (the process was killed while writing it) is dropped.
    /// - Throws: `.invalidArgument` when the file holds something other than a docqa
    ///   batch, or was made by a run that would give other answers (it says what differs);
    ///   `.unreadableFile` when it cannot be created or written.
    public init(path: String, run: BatchRun) throws {
        self.path = path
        let manager = FileManager.default
        var records: [BatchRecord] = []
        var existing = run
        if manager.fileExists(atPath: path) {
            guard let data = manager.contents(atPath: path) else {
                throw DocQAError(.unreadableFile, "cannot read this answers file; check its permissions.", path: path)
            }
            var goodLength = 0
            if !data.isEmpty {
                let decoder = JSONDecoder()
                var offset = 0
                var lineNumber = 0
                for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                    defer { offset += line.count + 1 }
                    lineNumber += 1
                    let complete = offset + line.count < data.count  // a newline follows it
                    if line.isEmpty { if complete { goodLength = offset + 1 }; continue }
                    if lineNumber == 1 {
                        // Cut short before the run line was whole: nothing to keep.
                        if !complete { break }
                        guard let stored = try? decoder.decode(BatchRun.self, from: Data(line)), stored.record == "run" else {
                            throw DocQAError(.invalidArgument,
                                "this file exists and is not a docqa batch answers file; choose another --out, or move it away.",
                                path: path)
                        }
                        existing = stored
                    } else if let record = try? decoder.decode(BatchRecord.self, from: Data(line)), complete {
                        records.append(record)
                    } else if complete {
                        throw DocQAError(.invalidArgument,
                            "line \(lineNumber) is not an answer docqa wrote; the file was edited. Restore it, or choose another --out.",
                            path: path)
                    } else {
                        break  // cut short by an interruption: dropped, and answered again
                    }
                    goodLength = offset + line.count + 1
                }
            }
            let differences = run.differences(from: existing)
            if !differences.isEmpty {
                throw DocQAError(.invalidArgument,
                    "the answers in this file were made differently: " + differences.joined(separator: "; ")
                        + ". Resuming would mix answers; choose another --out, or pass --restart to replace the file.",
                    path: path)
            }
            guard let handle = FileHandle(forUpdatingAtPath: path) else {
                throw DocQAError(.unreadableFile, "cannot open this answers file for writing; check its permissions.", path: path)
            }
            self.handle = handle
            try handle.truncate(atOffset: UInt64(goodLength))
            try handle.seekToEnd()
            self.run = existing
            self.records = records
            if goodLength == 0 { try append(line: try Self.encode(run)) }
        } else {
            guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let handle = FileHandle(forWritingAtPath: path) else {
                throw DocQAError(.unreadableFile, "cannot create this answers file; check that its folder exists and is writable.", path: path)
            }
            self.handle = handle
            self.run = run
            self.records = []
            try append(line: try Self.encode(run))
        }
    }

    deinit { try? handle.close() }

    /// The latest record of each question that has one, in file order of first appearance.
    public var latest: [BatchRecord] {
        var order: [BatchRecord.Key] = []
        var byKey: [BatchRecord.Key: BatchRecord] = [:]
        for record in records {
            if byKey[record.key] == nil { order.append(record.key) }
            byKey[record.key] = record
        }
        return order.compactMap { byKey[$0] }
    }

    /// The questions already answered without error: a resumed run skips them.
    public var finished: Set<BatchRecord.Key> {
        Set(latest.filter { $0.error == nil }.map(\.key))
    }

    /// Appends `record` and flushes it to disk before returning.
    public func append(_ record: BatchRecord) throws {
        try append(line: try Self.encode(record))
        records.append(record)
    }

    private func append(line: Data) throws {
        do {
            try handle.write(contentsOf: line + Data("\n".utf8))
            try handle.synchronize()
        } catch {
            throw DocQAError(.unreadableFile, "cannot write to this answers file (\(error.localizedDescription)); check the disk.", path: path)
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
