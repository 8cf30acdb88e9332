/// An error a user can act on: a stable code, the file it concerns, and a sentence that
/// says what went wrong and what to do.
///
/// Document text and questions never appear in `message`; callers that want them add
/// them only in verbose output.
public struct DocQAError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable identifier for the kind of failure.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let fileNotFound = Code(rawValue: "file-not-found")
        public static let unreadableFile = Code(rawValue: "unreadable-file")
        public static let unsupportedFormat = Code(rawValue: "unsupported-format")
        public static let encryptedPDF = Code(rawValue: "encrypted-pdf")
        public static let damagedPDF = Code(rawValue: "damaged-pdf")
        public static let notUTF8 = Code(rawValue: "not-utf8")
        /// A Word document or email that needs a password or an encrypted container.
        public static let encryptedDocument = Code(rawValue: "encrypted-document")
        /// A Word document or email whose structure is broken, or a file that is not
        /// what its extension says.
        public static let damagedDocument = Code(rawValue: "damaged-document")
        public static let emptyDocument = Code(rawValue: "empty-document")
        public static let fileTooLarge = Code(rawValue: "file-too-large")
        public static let fileChanged = Code(rawValue: "file-changed")
        public static let extractionTimedOut = Code(rawValue: "extraction-timed-out")
        public static let modelNotFound = Code(rawValue: "model-not-found")
        public static let modelLoadFailed = Code(rawValue: "model-load-failed")
        public static let notAnEmbeddingModel = Code(rawValue: "not-an-embedding-model")
        public static let contextFailed = Code(rawValue: "context-failed")
        public static let tokenizeFailed = Code(rawValue: "tokenize-failed")
        public static let templateFailed = Code(rawValue: "template-failed")
        public static let decodeNoSlot = Code(rawValue: "decode-no-kv-slot")
        public static let decodeAborted = Code(rawValue: "decode-aborted")
        public static let decodeInvalidBatch = Code(rawValue: "decode-invalid-batch")
        public static let decodeFailed = Code(rawValue: "decode-failed")
        public static let promptTooLong = Code(rawValue: "prompt-too-long")
        public static let indexNotFound = Code(rawValue: "index-not-found")
        public static let indexCorrupt = Code(rawValue: "index-corrupt")
        public static let indexTooNew = Code(rawValue: "index-too-new")
        public static let indexBusy = Code(rawValue: "index-busy")
        public static let embeddingModelMismatch = Code(rawValue: "embedding-model-mismatch")
        public static let database = Code(rawValue: "database")
        public static let invalidArgument = Code(rawValue: "invalid-argument")
    }

    public var code: Code
    /// One or two sentences: what went wrong and what to do about it.
    public var message: String
    /// The file the error concerns, when there is one.
    public var path: String?

    public init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
