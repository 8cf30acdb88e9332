import CLibXML2
import Foundation

/// An element of a parsed HTML or XML document, copied out of libxml2 into Swift values
/// so that readers above this layer never touch a C pointer.
public struct MarkupElement: Sendable, Equatable {
    /// The local name, without a prefix; lowercase for HTML (HTML names ignore case).
    public var name: String
    /// The namespace URI of an XML element (`w:p` in a Word file has the WordprocessingML
    /// namespace); `nil` for HTML and for XML without namespaces.
    public var namespace: String?
    /// Attributes by local name (lowercase for HTML); a prefixed XML attribute such as
    /// `w:val` is found under `val`.
    public var attributes: [String: String]
    public var children: [MarkupNode]

    public init(name: String, namespace: String? = nil, attributes: [String: String] = [:],
                children: [MarkupNode] = []) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
    }

    /// The child elements, in order.
    public var elements: [MarkupElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// All text below this element, in document order, without any separators.
    public var textContent: String {
        var text = ""
        func collect(_ nodes: [MarkupNode]) {
            for node in nodes {
                switch node {
                case .text(let piece): text += piece
                case .element(let element): collect(element.children)
                }
            }
        }
        collect(children)
        return text
    }
}

/// A node of a parsed document: an element or a run of text (entities already decoded).
public indirect enum MarkupNode: Sendable, Equatable {
    case element(MarkupElement)
    case text(String)
}

/// HTML and XML parsed by libxml2. The only importer of libxml2.
///
/// Each parse is scoped: libxml2's tree (`xmlDoc`) is created, copied into
/// ``MarkupElement`` values and freed before the call returns, so no handle outlives it.
/// libxml2's own diagnostics are turned off (they can quote document text); failures come
/// back as ``Markup/ParseFailure``. Network access (external DTDs, entities) is off, and
/// entities are not expanded, so a hostile file cannot fetch anything or expand itself.
public enum Markup {
    /// Why a document could not be parsed.
    public struct ParseFailure: Error, Equatable, Sendable {
        /// libxml2's error line, when it reported one; 0 otherwise.
        public var line: Int
    }

    /// Deeper elements than this are flattened into their text: real documents nest a few
    /// dozen levels, and a hostile one must not exhaust the stack.
    static let maximumDepth = 256

    /// Parses `data` as HTML with libxml2's forgiving HTML parser, which accepts what
    /// browsers accept (unclosed tags, stray end tags) and decodes entities.
    ///
    /// The character set is the one the page declares (`<meta charset>`, or a byte-order
    /// mark); a page that declares none is read as UTF-8 when its bytes are valid UTF-8,
    /// otherwise as Windows-1252/Latin-1, as browsers do. `utf8` overrides all of this for
    /// text already converted to UTF-8 (an email's HTML part, whose declared charset
    /// described the bytes before conversion).
    ///
    /// The corresponding C function is `htmlReadMemory`.
    ///
    /// - Returns: the `<html>` element (implied when the page lacks one).
    /// - Throws: ``ParseFailure`` only when libxml2 produces no document at all (empty
    ///   input); broken markup is repaired, not refused.
    public static func parseHTML(_ data: Data, utf8: Bool = false) throws(ParseFailure) -> MarkupElement {
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        let encoding: String? = utf8 ? "UTF-8" : declaresCharset(data) ? nil
            : (String(validating: [UInt8](data), as: UTF8.self) != nil ? "UTF-8" : "windows-1252")
        return try parse(data) { buffer, count in
            htmlReadMemory(buffer, count, "page.html", encoding, options)
        }
    }

    /// Parses `data` as XML (namespaces resolved, entities left unexpanded, no DTD or
    /// network access).
    ///
    /// The corresponding C function is `xmlReadMemory`.
    ///
    /// - Returns: the root element.
    /// - Throws: ``ParseFailure`` when the XML is not well-formed.
    public static func parseXML(_ data: Data) throws(ParseFailure) -> MarkupElement {
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_COMPACT.rawValue)
        return try parse(data) { buffer, count in
            xmlReadMemory(buffer, count, "part.xml", nil, options)
        }
    }

    private static func parse(
        _ data: Data, _ read: (UnsafePointer<CChar>, Int32) -> xmlDocPtr?
    ) throws(ParseFailure) -> MarkupElement {
        initialized()
        guard !data.isEmpty, data.count < Int(Int32.max) else { throw ParseFailure(line: 0) }
        xmlResetLastError()
        let document = data.withUnsafeBytes { buffer in
            read(buffer.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(buffer.count))
        }
        guard let document else {
            throw ParseFailure(line: Int(xmlGetLastError()?.pointee.line ?? 0))
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { throw ParseFailure(line: 0) }
        return element(root, depth: 0)
    }

    /// Whether the page names its character set in its first 2 KB (`<meta charset=…>` or
    /// `content="text/html; charset=…"`), or starts with a byte-order mark.
    static func declaresCharset(_ data: Data) -> Bool {
        let head = [UInt8](data.prefix(2048))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) || head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
            return true
        }
        // "charset=" or "charset =" (a body that merely mentions the word does not count).
        let text = String(decoding: head, as: UTF8.self).lowercased()
        return text.range(of: #"charset\s*="#, options: .regularExpression) != nil
    }

    private static func element(_ node: xmlNodePtr, depth: Int) -> MarkupElement {
        var result = MarkupElement(name: string(node.pointee.name),
                                   namespace: node.pointee.ns.flatMap { $0.pointee.href.map { String(cString: $0) } })
        var attribute = node.pointee.properties
        while let current = attribute {
            var value = ""
            var child = current.pointee.children
            while let text = child {
                if let content = text.pointee.content { value += String(cString: content) }
                child = text.pointee.next
            }
            result.attributes[string(current.pointee.name)] = value
            attribute = current.pointee.next
        }
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                if depth < maximumDepth {
                    result.children.append(.element(element(current, depth: depth + 1)))
                } else if let content = xmlNodeGetContent(current) {
                    result.children.append(.text(String(cString: content)))
                    docqa_xml_free(content)
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    result.children.append(.text(String(cString: content)))
                }
            default:
                break // comments, processing instructions, unexpanded entity references
            }
            child = current.pointee.next
        }
        return result
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    /// `xmlInitParser` once per process, before the first parse (it is not safe to run
    /// concurrently with itself).
    private static func initialized() { _ = initialization }
    private static let initialization: Void = { xmlInitParser() }()
}
