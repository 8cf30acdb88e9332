import Foundation

// A message's attachments, indexed as documents of their own.
//
// An attachment is stored as a document whose path is its message's path, " › " and its
// name: `/case/mail/offer.eml › contract.pdf`. Citations then read
// `offer.eml › contract.pdf:3` with no change to how documents are keyed, searched or
// shown. Such a path never exists on disk, so the rules that look at the disk ask about
// the message instead: an attachment is pruned when its message is gone, moves when its
// message is renamed, is removed with it (`docqa remove offer.eml`), and is never taken
// for a renamed file. The message's content hash covers its attachments, so an
// unchanged message leaves them untouched; a changed one has them extracted again
// before the message itself is stored (the message is the last write, so an interrupted
// run redoes them next time). An attachment that failed is tried again on each run, as a
// file that failed is, even while its message is unchanged.
//
// An attachment is read like a file of its format on disk: unpacked to a private
// temporary folder and handed to the indexer's reader, so an attached PDF goes to the
// time-bounded reader process, with OCR for its scanned pages under the run's `--ocr`.
extension Indexer {
    /// Between a message's path and an attachment's name in the attachment's path.
    public static let attachmentSeparator = " › "

    /// The path an attachment called `name` of the message at `messagePath` is indexed under.
    public static func attachmentPath(message messagePath: String, name: String) -> String {
        messagePath + attachmentSeparator + name
    }

    /// The message's path when `path` is an attachment's (an `.eml` path followed by
    /// ``attachmentSeparator``), else `nil`.
    public static func messagePath(ofAttachment path: String) -> String? {
        guard let range = path.range(of: attachmentSeparator) else { return nil }
        let message = String(path[..<range.lowerBound])
        return message.lowercased().hasSuffix(".eml") ? message : nil
    }

    /// Extracts, embeds and stores the readable attachments of the message at `path`,
    /// and removes those indexed before that it no longer has; with `retrying` (for an
    /// unchanged message), only the attachments at those paths, removing nothing.
    ///
    /// - Returns: each attachment's outcome; an attachment that cannot be read is a
    ///   `.failed` outcome (its message is still indexed).
    /// - Throws: failures of the index or the model, as for whole files; `.ocrInterrupted`
    ///   when a stop request came while an attachment was read with OCR (the message is
    ///   then left for the next run).
    func indexAttachments(ofMessageAt path: String, retrying: Set<String>? = nil, report: inout IndexReport) throws
        -> [(path: String, outcome: FileOutcome)] {
        var outcomes: [(path: String, outcome: FileOutcome)] = []
        var kept: Set<String> = []
        let attachments = try EmailReader.attachments(ofMessageAt: path)
        for attachment in attachments {
            let attachmentPath = Self.attachmentPath(message: path, name: attachment.name)
            if let retrying, !retrying.contains(attachmentPath) { continue }
            do {
                let document = try EmailReader.extract(attachment, messagePath: path) { file throws(DocQAError) in
                    try extract(file, shownAs: attachmentPath)
                }
                try extraction.checkPageText(of: document, path: attachmentPath)
                let outcome = try store(document, path: attachmentPath, contentHash: SHA256.hex(of: attachment.data),
                                        byteSize: attachment.data.count, report: &report)
                kept.insert(attachmentPath)
                outcomes.append((attachmentPath, outcome))
            } catch let error as DocQAError where error.path == attachmentPath && error.code != .ocrInterrupted {
                outcomes.append((attachmentPath, .failed(error)))
            }
        }
        if retrying != nil { return outcomes }
        for document in try store.documents() where Self.messagePath(ofAttachment: document.path) == path
            && !kept.contains(document.path) {
            try store.removeDocument(atPath: document.path)
        }
        let current = Set(attachments.map { Self.attachmentPath(message: path, name: $0.name) })
        try store.removeFileStates(atPaths: try store.fileStates().map(\.path).filter {
            Self.messagePath(ofAttachment: $0) == path && !current.contains($0)
        })
        return outcomes
    }

    /// The attachments of the message at `path` that the last run left failed or
    /// skipped, or `nil` when it has none.
    func problemAttachments(ofMessageAt path: String) throws -> Set<String>? {
        if attachmentProblems == nil {
            var byMessage: [String: Set<String>] = [:]
            for state in try store.fileStates(problemsOnly: true) {
                if let message = Self.messagePath(ofAttachment: state.path) { byMessage[message, default: []].insert(state.path) }
            }
            attachmentProblems = byMessage
        }
        return attachmentProblems?[path]
    }

    /// Gives the attachments of the message once at `oldPath` its new path (each is
    /// recorded as renamed, like its message).
    func moveAttachments(from oldPath: String, to newPath: String) throws {
        for document in try store.documents() where Self.messagePath(ofAttachment: document.path) == oldPath {
            let name = String(document.path.dropFirst(oldPath.count + Self.attachmentSeparator.count))
            try store.moveDocument(from: document.path, to: Self.attachmentPath(message: newPath, name: name))
        }
        try store.removeFileStates(atPaths: try store.fileStates().map(\.path).filter {
            Self.messagePath(ofAttachment: $0) == oldPath
        })
    }
}
