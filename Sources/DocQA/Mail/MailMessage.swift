import CGMime
import Foundation

/// An email message (RFC 5322 / MIME) parsed by GMime, copied into Swift values. The
/// only importer of GMime.
///
/// Parsing is scoped: GMime's objects are created, copied out and released before
/// ``parse(_:)`` returns, so no handle outlives the call.
public struct MailMessage: Sendable, Equatable {
    /// One leaf part of the message, in the order a mail reader lists them.
    public struct Part: Sendable, Equatable {
        /// The MIME type, lowercase (`text/plain`, `application/pdf`).
        public var mimeType: String
        /// The file name the sender gave it, if any.
        public var filename: String?
        /// Whether the part is marked as an attachment (`Content-Disposition: attachment`).
        public var isAttachment: Bool
        /// For `text/*` parts: the text, converted to UTF-8 from the part's charset.
        public var text: String?
        /// The content with its transfer encoding undone, in its own charset.
        public var data: Data
    }

    public var subject: String?
    /// The From, To and Cc addresses, decoded, as one line each ("Ann Lee <ann@x.com>, …").
    public var from: String?
    public var to: String?
    public var cc: String?
    /// The Date header as written.
    public var date: String?
    /// Every leaf part, depth first; a forwarded message's parts follow in place.
    public var parts: [Part]
    /// Whether some content is encrypted (PGP/MIME or S/MIME) and so could not be read.
    public var hasEncryptedContent: Bool

    /// Why a message could not be parsed.
    public struct ParseFailure: Error, Equatable, Sendable {}

    /// Parses `data` as one message.
    ///
    /// The corresponding C functions are `g_mime_parser_new_with_stream` and
    /// `g_mime_parser_construct_message`.
    ///
    /// - Throws: ``ParseFailure`` when GMime finds no message at all. GMime is lenient:
    ///   text without any header still parses, as a message without headers.
    public static func parse(_ data: Data) throws(ParseFailure) -> MailMessage {
        initialized()
        let message: UnsafeMutablePointer<GMimeMessage>? = data.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
            guard let stream = g_mime_stream_mem_new_with_buffer(base, buffer.count) else { return nil }
            defer { g_object_unref(stream) }
            guard let parser = g_mime_parser_new_with_stream(stream) else { return nil }
            defer { g_object_unref(parser) }
            return g_mime_parser_construct_message(parser, nil)
        }
        guard let message else { throw ParseFailure() }
        defer { g_object_unref(message) }
        var result = MailMessage(parts: [], hasEncryptedContent: false)
        result.subject = nonEmpty(g_mime_message_get_subject(message).map { String(cString: $0) })
        result.from = addresses(g_mime_message_get_from(message))
        result.to = addresses(g_mime_message_get_to(message))
        result.cc = addresses(g_mime_message_get_cc(message))
        result.date = nonEmpty(g_mime_object_get_header(docqa_mime_message_object(message), "Date")
            .map { String(cString: $0) })
        if let body = g_mime_message_get_mime_part(message) {
            result.collect(body, depth: 0)
        }
        return result
    }

    private init(parts: [Part], hasEncryptedContent: Bool) {
        self.parts = parts
        self.hasEncryptedContent = hasEncryptedContent
    }

    /// Forwarded messages inside forwarded messages: real mail nests a few levels.
    private static let maximumDepth = 32

    private mutating func collect(_ object: UnsafeMutablePointer<GMimeObject>, depth: Int) {
        guard depth < Self.maximumDepth else { return }
        if docqa_mime_is_multipart_encrypted(object) != 0 || docqa_mime_is_pkcs7(object) != 0 {
            hasEncryptedContent = true
        } else if docqa_mime_is_multipart(object) != 0 {
            for index in 0..<max(0, docqa_mime_multipart_count(object)) {
                if let part = docqa_mime_multipart_part(object, index) { collect(part, depth: depth + 1) }
            }
        } else if docqa_mime_is_message_part(object) != 0 {
            if let inner = docqa_mime_message_part_message(object), let body = g_mime_message_get_mime_part(inner) {
                collect(body, depth: depth + 1)
            }
        } else if docqa_mime_is_part(object) != 0 {
            let type = takeString(g_mime_content_type_get_mime_type(g_mime_object_get_content_type(object)))
                .lowercased()
            let filename = Self.nonEmpty(docqa_mime_part_filename(object).map { String(cString: $0) })
            var part = Part(mimeType: type, filename: filename,
                            isAttachment: docqa_mime_part_is_attachment(object) != 0, text: nil, data: Data())
            if docqa_mime_is_text_part(object) != 0 {
                part.text = takeString(docqa_mime_text_part_text(object))
            }
            if let bytes = docqa_mime_part_bytes(object) {
                if let start = bytes.pointee.data {
                    part.data = Data(bytes: start, count: Int(bytes.pointee.len))
                }
                g_byte_array_free(bytes, 1)
            }
            parts.append(part)
        }
    }

    private static func addresses(_ list: UnsafeMutablePointer<InternetAddressList>?) -> String? {
        guard let list, internet_address_list_length(list) > 0 else { return nil }
        return nonEmpty(takeString(internet_address_list_to_string(list, nil, 0)))
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// `g_mime_init` once per process.
    private static func initialized() { _ = initialization }
    private static let initialization: Void = { g_mime_init() }()
}

/// Copies a GLib-allocated UTF-8 string and frees it; invalid bytes become U+FFFD.
private func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
    guard let pointer else { return "" }
    defer { g_free(pointer) }
    return String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
}
