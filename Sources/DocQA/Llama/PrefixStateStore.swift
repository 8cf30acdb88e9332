import Foundation

/// A folder of saved KV-cache states for prompt prefixes: the system message every prompt
/// of one kind starts with. A `docqa ask` reads three such prefixes (the answer's, the
/// yes/no check's and the search sentence's) that are the same in every run; restoring
/// their keys and values from a file takes milliseconds where reading them takes about
/// half a second on a two-core machine (BENCHMARKS.md, "Saved system-prompt states").
///
/// A file holds only what the model computed from docqa's own instructions, never from a
/// question or a document (`GenerationContext` saves a prefix only when told it is one
/// shared by every prompt). Files are named by a hash of everything the state depends
/// on (the llama.cpp build, the CPU it runs on, the model file, the context's shape and
/// the tokens), so a state is restored only into a context that would have computed the
/// same values; each carries the SHA-256 of its contents, so a damaged file is read
/// again from the prompt instead of being trusted. Nothing here ever fails a command:
/// a folder that cannot be written means the prefixes are read each time, as before.
public struct PrefixStateStore: Sendable {
    public let directory: String

    /// What a state file starts with: the format, then the contents' SHA-256.
    static let magic = Array("docqa-kv-state-1\n".utf8)
    /// Most files kept: saving one more removes the least recently saved. (Each model,
    /// context length and llama.cpp build has its own; an ask uses three.)
    static let maximumFiles = 24

    public init(directory: String) {
        self.directory = directory
    }

    /// The store in docqa's cache folder: `$XDG_CACHE_HOME/docqa/prompt-states`, default
    /// `~/.cache/docqa/prompt-states`.
    public static func inCacheFolder(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> PrefixStateStore {
        let base: String
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            base = ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".cache")
        }
        return PrefixStateStore(directory: ((base as NSString).appendingPathComponent("docqa") as NSString)
            .appendingPathComponent("prompt-states"))
    }

    func path(for key: String) -> String {
        (directory as NSString).appendingPathComponent(key + ".kv")
    }

    /// The saved state for `key`, or nil when there is none or it fails its checksum.
    func load(key: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path(for: key)) else { return nil }
        let bytes = [UInt8](data)
        let header = Self.magic.count + 32
        guard bytes.count > header, Array(bytes[0..<Self.magic.count]) == Self.magic else { return nil }
        let state = Array(bytes[header...])
        var hash = SHA256()
        hash.update(state)
        return hash.digest() == Array(bytes[Self.magic.count..<header]) ? state : nil
    }

    /// Saves `state` for `key`: written to a temporary file beside it and renamed into
    /// place, so a reader sees the old file, the new one or none. Errors are ignored.
    func save(key: String, state: [UInt8]) {
        guard (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])) != nil else { return }
        var hash = SHA256()
        hash.update(state)
        let target = path(for: key)
        let temporary = target + ".\(getpid()).tmp"
        let contents = Data(Self.magic + hash.digest() + state)
        guard FileManager.default.createFile(atPath: temporary, contents: contents,
                                             attributes: [.posixPermissions: 0o600]) else { return }
        if rename(temporary, target) != 0 { unlink(temporary) }
        removeOldest()
    }

    /// Keeps the folder to `maximumFiles` state files, removing the least recently saved.
    private func removeOldest() {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return }
        let states = names.filter { $0.hasSuffix(".kv") }
        guard states.count > Self.maximumFiles else { return }
        let dated = states.map { name -> (path: String, saved: Date) in
            let path = (directory as NSString).appendingPathComponent(name)
            return (path, (try? manager.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantPast)
        }
        for old in dated.sorted(by: { $0.saved < $1.saved }).prefix(states.count - Self.maximumFiles) {
            try? manager.removeItem(atPath: old.path)
        }
    }
}
