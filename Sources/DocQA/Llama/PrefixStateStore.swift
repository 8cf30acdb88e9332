import Foundation

/// A folder of saved KV-cache states for prompt prefixes: the system message every prompt
/// of one kind starts with. A `docqa ask` reads three such prefixes (the answer's, the
/// yes/no check's and the search sentence's) that are the same in every run; restoring
/// their keys and values from a file takes milliseconds where reading them took about a
/// second of each `ask` on a two-core Intel (BENCHMARKS.md, "Saved system-prompt states").
///
/// A file holds only what the model computed from docqa's own instructions, never from a
/// question or a document (`GenerationContext` saves a prefix only when told it is one
/// shared by every prompt). Files are named by a hash of what the state depends on (the
/// llama.cpp build and its library file, the CPU features it uses, the model file's
/// device, inode, size and times, the context's shape and threads, the tokens), so that a
/// state goes back only into a context that would compute the same values; each carries
/// the SHA-256 of its contents, so a damaged file is read again from the prompt instead
/// of being trusted. Nothing here ever fails a command:
/// a folder that cannot be written means the prefixes are read each time, as before.
public struct PrefixStateStore: Sendable {
    public let directory: String

    /// What a state file starts with: the format, then the contents' SHA-256.
    static let magic = Array("docqa-kv-state-1\n".utf8)
    /// Most files kept: saving one more removes the least recently saved. (Each model,
    /// context length and llama.cpp build has its own; an ask uses three.)
    static let maximumFiles = 24
    /// Most bytes the folder holds (the default models' three states take 2.8 MB; a 7B model
    /// without grouped-query attention would need tens of MB for one). A larger state is
    /// not saved.
    static let maximumBytes = 64 << 20

    public init(directory: String) {
        self.directory = directory
    }

    /// The store in docqa's cache folder (`Locations.promptStatesDirectory`); nil without one.
    public static func inCacheFolder(_ locations: Locations = Locations()) -> PrefixStateStore? {
        locations.promptStatesDirectory.map(PrefixStateStore.init(directory:))
    }

    func path(for key: String) -> String {
        (directory as NSString).appendingPathComponent(key + ".kv")
    }

    /// The saved state for `key`, or nil when there is none, it is larger than the folder
    /// may hold, or it fails its checksum.
    func load(key: String) -> [UInt8]? {
        let path = path(for: key)
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
              size <= Self.maximumBytes + Self.magic.count + 32,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        let header = Self.magic.count + 32
        guard data.count > header, data.prefix(Self.magic.count).elementsEqual(Self.magic) else { return nil }
        let state = data.dropFirst(header)
        var hash = SHA256()
        hash.update(state)
        guard hash.digest().elementsEqual(data.dropFirst(Self.magic.count).prefix(32)) else { return nil }
        return [UInt8](state)
    }

    /// Saves `state` for `key`: written to a temporary file beside it and renamed into
    /// place, so a reader sees the old file, the new one or none. Errors are ignored.
    func save(key: String, state: [UInt8]) {
        guard state.count <= Self.maximumBytes,
              (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
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

    /// Keeps the folder to `maximumFiles` state files and `maximumBytes`, removing the
    /// least recently saved; removes temporary files a stopped process left (older than
    /// ten minutes).
    private func removeOldest() {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return }
        var states: [(path: String, saved: Date, bytes: Int)] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let attributes = try? manager.attributesOfItem(atPath: path) else { continue }
            let saved = attributes[.modificationDate] as? Date ?? .distantPast
            if name.hasSuffix(".tmp") {
                if saved.timeIntervalSinceNow < -600 { try? manager.removeItem(atPath: path) }
            } else if name.hasSuffix(".kv") {
                states.append((path, saved, attributes[.size] as? Int ?? 0))
            }
        }
        var total = states.reduce(0) { $0 + $1.bytes }
        var count = states.count
        for old in states.sorted(by: { $0.saved < $1.saved }) where count > Self.maximumFiles || total > Self.maximumBytes {
            try? manager.removeItem(atPath: old.path)
            count -= 1
            total -= old.bytes
        }
    }
}
