import Foundation

/// One writer per index: an advisory lock (`flock`) on a file beside it (`index.sqlite.lock`),
/// held for a whole `docqa index` run and removed at its end.
///
/// A second writer is refused at once with the first one's process id and start time, or
/// waits for it. Readers (`ask`, `search`) take no lock: SQLite's WAL gives them the last
/// committed state. The operating system drops the lock when its process ends, however it
/// ends, so a crashed run never leaves the index locked.
public final class IndexWriteLock {
    /// The lock file's path.
    public let path: String
    private let descriptor: Int32

    /// Takes the lock for the index at `indexPath`, creating the lock file (0600) and its
    /// folder (0700) when missing.
    ///
    /// - Parameters:
    ///   - wait: wait for another writer to finish instead of failing.
    ///   - waiting: called once, with the other writer's description, before waiting.
    /// - Throws: `.indexBusy` naming the other writer when the index is locked and `wait`
    ///   is false; `.unreadableFile` when the lock file cannot be made.
    public init(indexPath: String, wait: Bool = false, command: String = "docqa index",
                waiting: (String) -> Void = { _ in }) throws {
        path = indexPath + ".lock"
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        var announced = false
        var descriptor: Int32
        while true {
            descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw DocQAError(.unreadableFile, "cannot create the index's lock file (\(String(cString: strerror(errno)))); check the folder's permissions.",
                                 path: path)
            }
            if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
                let holder = Self.describeHolder(descriptor)
                guard wait else {
                    close(descriptor)
                    throw DocQAError(.indexBusy,
                        "another \(holder) is writing to this index. Wait for it to finish, or add --wait to start when it does.",
                        path: indexPath)
                }
                if !announced { waiting(holder) }
                announced = true
                while flock(descriptor, LOCK_EX) != 0 {
                    guard errno == EINTR else {
                        close(descriptor)
                        throw DocQAError(.indexBusy, "cannot lock the index (\(String(cString: strerror(errno)))).", path: path)
                    }
                }
            }
            // The holder before us removes the file when it lets go: the lock is ours only
            // if the path still names the file we locked; otherwise take the new one.
            if Self.isSameFile(descriptor, path) { break }
            close(descriptor)
        }
        self.descriptor = descriptor
        // Who holds it, for the message a second writer gets.
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let note = "\(command) (process \(getpid()), started \(formatter.string(from: Date())))\n"
        _ = ftruncate(descriptor, 0)
        _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        // Removed while still locked, so that no one can lock it after it is gone.
        unlink(path)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Whether `path` names the open file `descriptor`.
    private static func isSameFile(_ descriptor: Int32, _ path: String) -> Bool {
        var opened = stat(), named = stat()
        guard fstat(descriptor, &opened) == 0, stat(path, &named) == 0 else { return false }
        return opened.st_dev == named.st_dev && opened.st_ino == named.st_ino
    }

    /// What the lock file says of its holder, or a generic name when it says nothing.
    private static func describeHolder(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        let text = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        return line.isEmpty ? "docqa index" : line
    }
}
