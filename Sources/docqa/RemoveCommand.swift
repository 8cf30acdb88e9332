import ArgumentParser
import DocQA
import Foundation

struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Take documents out of an index (the files on disk are not touched).",
        discussion: """
            Removes the documents indexed under each path (that file, or every file inside \
            that folder) with their chunks, vectors and recorded states. Their text then no \
            longer turns up in search or answers, but stays in the index file's free space \
            until `docqa purge`. Indexing a folder that still holds the files adds them again.

            Example: docqa remove ~/cases/acme/privileged --index acme
            """
    )

    @Argument(help: ArgumentHelp("Indexed files or folders to remove.", valueName: "path"))
    var paths: [String]

    @OptionGroup var indexOptions: IndexOptions

    @Flag(help: "Print JSON: {\"index\", \"removed\": [paths], \"notIndexed\": [paths]}.")
    var json = false

    @Flag(help: "When another run is writing to the index, wait for it instead of stopping.")
    var wait = false

    func run() throws {
        try reportingErrors {
            let store = try openExistingIndex(indexOptions)
            let lock = try writeLock(store.path, wait: wait, command: "docqa remove")
            defer { withExtendedLifetime(lock) {} }
            let roots = paths.map(expand)
            let removed = try store.removeDocuments(under: roots)
            let missing = removed.unmatched
            if json {
                print(JSONOutput.render(.object([
                    ("index", .string(store.path)),
                    ("removed", .array(removed.documents.map(JSON.string))),
                    ("notIndexed", .array(missing.map(JSON.string))),
                ])))
                if !missing.isEmpty { throw ExitCode.failure }
                return
            }
            for path in removed.documents {
                printError("removed    \(printablePath(path))")
            }
            for root in missing {
                printError("docqa: nothing is indexed under \(printablePath(root)); `docqa status` lists what is.")
            }
            print("\(removed.documents.count) documents removed from \(printablePath(store.path)). Their text stays in the "
                  + "index file until you run `docqa purge`.")
            if !missing.isEmpty { throw ExitCode.failure }
        }
    }
}

struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Erase the text and vectors of removed documents from the index file for good.",
        discussion: """
            Rebuilds the keyword index and the index file and empties its write-ahead log, \
            so that nothing of a removed, pruned or replaced document remains in the index \
            file or beside it, and reports the bytes reclaimed. Fails, changing nothing \
            that matters, while another program is reading the index; run it again then. \
            Copies of the index (backups, snapshots) are not touched.

            Example: docqa purge --index acme
            """
    )

    @OptionGroup var indexOptions: IndexOptions

    @Flag(help: "When another run is writing to the index, wait for it instead of stopping.")
    var wait = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        try reportingErrors {
            let store = try openExistingIndex(indexOptions)
            let lock = try writeLock(store.path, wait: wait, command: "docqa purge")
            defer { withExtendedLifetime(lock) {} }
            let clock = ContinuousClock()
            let start = clock.now
            let report = try store.purge()
            let seconds = start.duration(to: clock.now).inSeconds
            if json {
                print(JSONOutput.render(.object([
                    ("index", .string(store.path)),
                    ("bytesBefore", .int(Int(report.bytesBefore))),
                    ("bytesAfter", .int(Int(report.bytesAfter))),
                    ("bytesReclaimed", .int(Int(report.bytesReclaimed))),
                    ("seconds", .double(seconds)),
                ])))
            } else {
                print("Purged \(printablePath(store.path)) in \(String(format: "%.1f", seconds)) s: \(report.bytesReclaimed) bytes reclaimed "
                      + "(\(report.bytesBefore) → \(report.bytesAfter) bytes, log included).")
            }
        }
    }
}
