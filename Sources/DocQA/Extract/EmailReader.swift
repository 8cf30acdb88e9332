import Foundation

/// The text of an email message (`.eml`, RFC 5322 / MIME), read with GMime.
///
/// The text starts with a header block (From, To, Cc, Date, Subject, and the names of
/// attachments), then a blank line and the body: the message's inline `text/plain`
/// parts, or, when it has none, its `text/html` parts converted by ``HTMLReader``. Parts
/// in other charsets are converted to UTF-8. The Subject is the document's title. A
/// forwarded message (`message/rfc822`) contributes its parts in place.
enum EmailReader {
    /// Reads the message at `path`.
    ///
    /// - Throws: `DocQAError` with code `.damagedDocument` when the file is not an email
    ///   message (no From, To, Date or Subject header), `.encryptedDocument` when its
    ///   body is encrypted (PGP/MIME or S/MIME), `.emptyDocument` when it is empty, or
    ///   `.unreadableFile`.
    static func read(_ path: String) throws(DocQAError) -> ExtractedDocument {
        let data = try DocumentExtractor.contents(of: path)
        guard data.contains(where: { !(0x09...0x0D).contains($0) && $0 != 0x20 }) else {
            throw DocQAError(.emptyDocument, "this email file is empty; leave it out.", path: path)
        }
        guard let message = try? MailMessage.parse(data),
              message.from != nil || message.to != nil || message.date != nil || message.subject != nil
        else {
            throw DocQAError(.damagedDocument,
                "this file is not an email message (it has no From, To, Date or Subject header); "
                + "save the message again from your mail program as .eml, or leave it out.", path: path)
        }
        let body = bodyText(of: message)
        if body.isEmpty, message.hasEncryptedContent {
            throw DocQAError(.encryptedDocument,
                "this email is encrypted (PGP or S/MIME); save a decrypted copy from your mail program "
                + "and index that.", path: path)
        }
        var header: [String] = []
        for (name, value) in [("From", message.from), ("To", message.to), ("Cc", message.cc),
                              ("Date", message.date), ("Subject", message.subject)] {
            if let value { header.append("\(name): \(HTMLReader.oneLine(value))") }
        }
        let attachments = attachmentParts(of: message).map { $0.filename ?? $0.mimeType }
        if !attachments.isEmpty { header.append("Attachments: " + attachments.joined(separator: ", ")) }
        let text = ExtractedTextNormalization.normalize(header.joined(separator: "\n") + "\n\n" + body)
        let title = message.subject.map { String(HTMLReader.oneLine($0).prefix(160)) }
        return ExtractedDocument(format: .email, pages: [ExtractedPage(number: nil, text: text)], title: title)
    }

    /// The inline text parts: `text/plain` ones, else `text/html` ones as text.
    static func bodyText(of message: MailMessage) -> String {
        let inline = message.parts.filter { !$0.isAttachment && $0.text != nil }
        let plain = inline.filter { $0.mimeType == "text/plain" }.compactMap(\.text)
        if !plain.isEmpty {
            return plain.joined(separator: "\n\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return inline.filter { $0.mimeType == "text/html" }.compactMap { part in
            part.text.flatMap { try? HTMLReader.read(Data($0.utf8), utf8: true).text }
        }.joined(separator: "\n\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The parts a mail reader lists as attachments: marked so, or named non-text parts.
    static func attachmentParts(of message: MailMessage) -> [MailMessage.Part] {
        message.parts.filter { part in
            part.isAttachment || (part.filename != nil && part.text == nil)
        }
    }
}

// MARK: - Attachments

extension EmailReader {
    /// An attachment docqa can read: its name (unique within its message) and its bytes.
    struct Attachment: Sendable, Equatable {
        /// The sender's file name (with `/` replaced), made unique with " (2)"…; one made
        /// from the type ("attachment-2.pdf") when the sender gave none.
        var name: String
        /// The reader to use: `pdf`, `txt`, `md`, `html` or `docx`.
        var fileExtension: String
        /// The content with its transfer encoding undone; a text part's text in UTF-8.
        var data: Data
    }

    /// Readers by MIME type, for attachments whose name has no extension docqa reads.
    static let extensionsByType: [String: String] = [
        "application/pdf": "pdf", "text/plain": "txt", "text/markdown": "md", "text/html": "html",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    ]

    /// The attachments of the message at `path` that docqa can read (PDF, text, Markdown,
    /// HTML, Word), in order. Others (images, spreadsheets, nested `.eml` files) are
    /// named in the message's header block only.
    ///
    /// - Throws: as ``read(_:)`` for a file that is not a readable message.
    static func attachments(ofMessageAt path: String) throws(DocQAError) -> [Attachment] {
        let data = try DocumentExtractor.contents(of: path)
        guard let message = try? MailMessage.parse(data) else { return [] }
        var names: Set<String> = []
        var result: [Attachment] = []
        for (index, part) in attachmentParts(of: message).enumerated() {
            let given = part.filename.map { $0.replacingOccurrences(of: "/", with: "_") }
            let givenExtension = given.map { URL(fileURLWithPath: $0).pathExtension.lowercased() } ?? ""
            let readable = DocumentExtractor.supportedExtensions.subtracting(DocumentExtractor.emailExtensions)
            guard let fileExtension = readable.contains(givenExtension) ? givenExtension
                    : (givenExtension.isEmpty ? extensionsByType[part.mimeType] : nil) else { continue }
            var name = given.map { givenExtension.isEmpty ? "\($0).\(fileExtension)" : $0 }
                ?? "attachment-\(index + 1).\(fileExtension)"
            if names.contains(name) {
                let stem = (name as NSString).deletingPathExtension
                var copy = 2
                while names.contains("\(stem) (\(copy)).\(fileExtension)") { copy += 1 }
                name = "\(stem) (\(copy)).\(fileExtension)"
            }
            names.insert(name)
            let isText = ["txt", "md"].contains(fileExtension)
            let bytes = isText ? Data((part.text ?? String(decoding: part.data, as: UTF8.self)).utf8)
                : (part.data.isEmpty ? Data((part.text ?? "").utf8) : part.data)
            result.append(Attachment(name: name, fileExtension: fileExtension, data: bytes))
        }
        return result
    }

    /// The text of `attachment`, read by the reader for its type.
    ///
    /// The readers work on files, so the bytes are written to a file in a new private
    /// folder (mode 0700) under the temporary directory, read by `read`, and removed at
    /// once. `read` gets that file's path (its name ends in the attachment's extension);
    /// the indexer passes its own reader, so that an attached PDF is read like a PDF on
    /// disk (in the time-bounded reader process, with OCR). By default it is
    /// ``DocumentExtractor/extract(fileAt:scans:)`` in process, without OCR.
    ///
    /// - Throws: the reader's `DocQAError`, with `path` set to the attachment's indexed
    ///   path (`message.eml › name.pdf`).
    static func extract(_ attachment: Attachment, messagePath: String,
                        read: (String) throws(DocQAError) -> ExtractedDocument = { path throws(DocQAError) in
                            try DocumentExtractor.extract(fileAt: path)
                        }) throws(DocQAError) -> ExtractedDocument {
        let indexedPath = Indexer.attachmentPath(message: messagePath, name: attachment.name)
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("docqa-attachment-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw DocQAError(.unreadableFile,
                "this attachment could not be unpacked (the temporary folder is not writable); "
                + "check free space in \(FileManager.default.temporaryDirectory.path).", path: indexedPath)
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("attachment." + attachment.fileExtension)
        do {
            try attachment.data.write(to: file)
            return try read(file.path)
        } catch var error as DocQAError {
            error.path = indexedPath
            throw error
        } catch {
            throw DocQAError(.unreadableFile,
                "this attachment could not be unpacked; check free space in "
                + "\(FileManager.default.temporaryDirectory.path).", path: indexedPath)
        }
    }
}
