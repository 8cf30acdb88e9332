import CLibZip
import Foundation

/// A zip archive opened for reading through libzip. The only importer of libzip.
///
/// Owns one `zip_t` and releases it with `zip_discard` (nothing is ever written). Entries
/// are read whole into memory, each bounded by the caller's limit, which is checked both
/// against the size the archive declares and against the bytes actually inflated, so a
/// zip bomb (a small entry that inflates to gigabytes) is refused, never expanded.
///
/// Not `Sendable`: libzip archives are not safe to use from two threads at once.
public final class ZipArchive {
    /// Why an archive or one of its entries could not be read.
    public enum Failure: Error, Equatable, Sendable {
        /// The file is not a zip archive at all.
        case notAZip
        /// The archive's structure is broken (truncated, inconsistent directory, bad CRC).
        case damaged
        /// The file cannot be opened or read (permissions, I/O error).
        case unreadable
        /// The entry is encrypted; docqa has no password to give.
        case encrypted(entry: String)
        /// The entry inflates to more than the caller's limit.
        case tooLarge(entry: String, limit: Int)
    }

    /// The `zip_t *`.
    private let handle: OpaquePointer

    /// Opens the archive at `path`, checking its central directory's consistency.
    ///
    /// The corresponding C function is `zip_open` with `ZIP_RDONLY | ZIP_CHECKCONS`.
    ///
    /// - Throws: ``Failure/notAZip``, ``Failure/damaged`` or ``Failure/unreadable``.
    public init(path: String) throws(Failure) {
        var code: Int32 = 0
        guard let archive = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code) else {
            switch code {
            case ZIP_ER_NOZIP: throw .notAZip
            case ZIP_ER_OPEN, ZIP_ER_READ, ZIP_ER_NOENT, ZIP_ER_MEMORY: throw .unreadable
            default: throw .damaged
            }
        }
        handle = archive
    }

    deinit {
        zip_discard(handle)
    }

    /// The names of the entries, in the archive's order.
    public var entryNames: [String] {
        let count = max(0, zip_get_num_entries(handle, 0))
        return (0..<count).compactMap { index in zip_get_name(handle, UInt64(index), 0).map { String(cString: $0) } }
    }

    /// The bytes of the entry called `name`, or `nil` when the archive has no such entry.
    ///
    /// The corresponding C functions are `zip_name_locate`, `zip_stat_index`,
    /// `zip_fopen_index` and `zip_fread`.
    ///
    /// - Throws: ``Failure/encrypted(entry:)`` for an encrypted entry,
    ///   ``Failure/tooLarge(entry:limit:)`` when it holds more than `maximumBytes`, and
    ///   ``Failure/damaged`` when its data cannot be inflated or fails its checksum.
    public func entry(named name: String, maximumBytes: Int) throws(Failure) -> Data? {
        let index = zip_name_locate(handle, name, 0)
        guard index >= 0 else { return nil }
        var info = zip_stat_t()
        zip_stat_init(&info)
        guard zip_stat_index(handle, UInt64(index), 0, &info) == 0 else { throw .damaged }
        if info.valid & UInt64(ZIP_STAT_ENCRYPTION_METHOD) != 0, info.encryption_method != UInt16(ZIP_EM_NONE) {
            throw .encrypted(entry: name)
        }
        if info.valid & UInt64(ZIP_STAT_SIZE) != 0, info.size > UInt64(maximumBytes) {
            throw .tooLarge(entry: name, limit: maximumBytes)
        }
        guard let file = zip_fopen_index(handle, UInt64(index), 0) else {
            let code = zip_error_code_zip(zip_get_error(handle))
            if code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP {
                throw .encrypted(entry: name)
            }
            throw .damaged
        }
        defer { zip_fclose(file) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let read = buffer.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress, UInt64($0.count)) }
            if read < 0 { throw .damaged }
            if read == 0 { break }
            // The declared size can lie; the inflated bytes cannot.
            guard data.count + Int(read) <= maximumBytes else { throw .tooLarge(entry: name, limit: maximumBytes) }
            data.append(contentsOf: buffer[0..<Int(read)])
        }
        return data
    }
}

@available(*, unavailable, message: "A ZipArchive belongs to one owner at a time.")
extension ZipArchive: Sendable {}
