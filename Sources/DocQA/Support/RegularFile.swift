import Foundation

/// Checks that `path` names something docqa can open as a file, before any reader
/// touches it: reading a FIFO or a device named `notes.txt` would block or never end.
///
/// - Throws: `.fileNotFound` when nothing is there; `.unreadableFile` for a folder or for
///   something that is not a regular file (symbolic links are followed).
func requireRegularFile(_ path: String) throws(DocQAError) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw DocQAError(.fileNotFound,
            "this file does not exist; check the path and try again.", path: path)
    }
    guard !isDirectory.boolValue else {
        throw DocQAError(.unreadableFile,
            "this is a folder, not a file; name a file, or index the folder itself.",
            path: path)
    }
    // `fileExists` follows symbolic links; so does this, by resolving first.
    let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    let type = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.type]
        as? FileAttributeType
    guard type == .typeRegular else {
        throw DocQAError(.unreadableFile,
            "this file is not a regular file (a pipe, socket or device); copy its contents "
            + "into a file and index that.", path: path)
    }
}
