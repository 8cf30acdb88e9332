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
