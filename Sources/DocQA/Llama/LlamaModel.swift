import CLlama
import Foundation

/// A token id in a model's vocabulary.
public typealias LlamaToken = Int32

/// One message of a chat, before the model's template formats it.
public struct ChatMessage: Sendable, Equatable {
    public enum Role: String, Sendable {
        case system, user, assistant
    }

    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// A GGUF model loaded by llama.cpp: its weights, vocabulary and metadata.
///
/// Owns one `llama_model`; contexts made from it keep it alive. Not `Sendable`: one owner
/// uses it at a time.
public final class LlamaModel {
    let handle: OpaquePointer
    let vocab: OpaquePointer
    /// The file the model was loaded from.
    public let path: String
    /// Where contexts on this model keep the KV state of their shared prompt prefixes
    /// between processes (`PrefixStateStore`); nil keeps none.
    public var prefixStates: PrefixStateStore?
    /// The loaded file as `stat` saw it before and after loading (device, inode, size,
    /// modification and change times; symbolic links followed): what a saved prefix state
    /// is tied to. Nil when the file changed while loading or cannot be looked at; no
    /// state is then saved or restored.
    let fileIdentity: String?

    /// Loads the GGUF model at `path`.
    ///
    /// The corresponding C function is `llama_model_load_from_file`.
    /// - Throws: `.modelNotFound` when there is no such file, `.modelLoadFailed` when it is
    ///   not a GGUF model llama.cpp can load (the message carries llama.cpp's reason).
    public init(path: String) throws {
        LlamaRuntime.initialize()
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        guard !isDirectory.boolValue else {
            throw DocQAError(.modelNotFound,
                             "this is a folder, not a model file. Name a .gguf file, or install the default models with Scripts/bootstrap.",
                             path: path)
        }
        guard exists else {
            throw DocQAError(.modelNotFound,
                             "no model file here. Install the default models with Scripts/bootstrap, or name an existing GGUF file.",
                             path: path)
        }
        guard let magic = FileHandle(forReadingAtPath: path).flatMap({ try? $0.read(upToCount: 4) }),
              magic == Data("GGUF".utf8) else {
            throw DocQAError(.modelLoadFailed,
                             "this is not a GGUF model file (or it cannot be read). Name a .gguf file made for llama.cpp.",
                             path: path)
        }
        _ = LlamaRuntime.takeLastError()
        var params = llama_model_default_params()
        params.n_gpu_layers = 0
        params.use_extra_bufts = WeightRepacking.current.isOn
        let identityBefore = Self.identity(ofFileAt: path)
        guard let model = llama_model_load_from_file(path, params) else {
            let reason = LlamaRuntime.takeLastError().map { " llama.cpp said: \($0)" } ?? ""
            throw DocQAError(.modelLoadFailed,
                             "llama.cpp could not load this model; it may be damaged, truncated, or of an architecture this llama.cpp build does not know.\(reason)",
                             path: path)
        }
        guard let vocab = llama_model_get_vocab(model) else {
            llama_model_free(model)
            throw DocQAError(.modelLoadFailed, "the model has no vocabulary.", path: path)
        }
        self.handle = model
        self.vocab = vocab
        self.path = path
        let identityAfter = Self.identity(ofFileAt: path)
        fileIdentity = identityBefore == identityAfter ? identityAfter : nil
    }

    /// Device, inode, size, modification and change times of the file at `path` (links
    /// followed); nil when it cannot be looked at. The change time is one no user can set back.
    static func identity(ofFileAt path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_dev) \(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) "
            + "\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
    }

    deinit {
        llama_model_free(handle)
    }

    // MARK: Metadata

    /// The value of a GGUF metadata key, e.g. `general.name`; `nil` when absent.
    ///
    /// The corresponding C function is `llama_model_meta_val_str`.
    public func metadata(_ key: String) -> String? {
        let bytes: [CChar]? = fillingBuffer(initialCapacity: 128, negativeMeansSize: false, reservesTerminator: true) {
            llama_model_meta_val_str(handle, key, $0, Int($1))
        }
        return bytes.map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    }

    /// The model's own name (`general.name`), or its file name when it has none.
    public var name: String {
        if let name = metadata("general.name"), !name.isEmpty { return name }
        return URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    /// The architecture llama.cpp loaded, e.g. `llama` or `bert`.
    public var architecture: String { metadata("general.architecture") ?? "unknown" }

    /// Width of the model's embeddings.
    public var embeddingDimension: Int {
        let out = Int(llama_model_n_embd_out(handle))
        return out > 0 ? out : Int(llama_model_n_embd(handle))
    }

    /// The context length the model was trained with.
    public var trainingContextLength: Int { Int(llama_model_n_ctx_train(handle)) }

    public var parameterCount: UInt64 { llama_model_n_params(handle) }

    /// Size of the weights in bytes.
    public var sizeInBytes: UInt64 { llama_model_size(handle) }

    /// Whether the model is encoder-only (BERT-style), so it runs through `llama_encode`.
    public var isEncoderOnly: Bool { llama_model_has_encoder(handle) && !llama_model_has_decoder(handle) }

    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int { Int(llama_vocab_n_tokens(vocab)) }

    /// The chat template stored in the model, if any.
    public var chatTemplate: String? {
        llama_model_chat_template(handle, nil).map { String(cString: $0) }
    }

    /// A fingerprint that changes when the weights or vocabulary change: architecture,
    /// name, dimension, parameter count, size, vocabulary size and file size. Cheap to
    /// compute on every run, unlike hashing the whole file.
    public var fingerprint: String {
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? -1
        return [architecture, name, "d\(embeddingDimension)", "p\(parameterCount)", "w\(sizeInBytes)",
                "v\(vocabularySize)", "f\(fileSize)"].joined(separator: ":")
    }

    // MARK: Tokens

    /// Splits `text` into tokens.
    ///
    /// With `parseSpecial` false (the default) text that looks like a control token, such as
    /// `<|im_start|>`, is tokenized as plain characters: document text and questions always
    /// go through that path so they cannot inject template markup.
    /// The corresponding C function is `llama_tokenize`.
    /// - Throws: `.tokenizeFailed` when llama.cpp cannot tokenize the text.
    public func tokenize(_ text: String, addSpecial: Bool, parseSpecial: Bool = false) throws -> [LlamaToken] {
        let utf8 = Array(text.utf8)
        let tokens: [LlamaToken]? = fillingBuffer(initialCapacity: utf8.count + 8) { buffer, capacity in
            utf8.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    llama_tokenize(vocab, chars.baseAddress, Int32(chars.count), buffer, capacity, addSpecial, parseSpecial)
                }
            }
        }
        guard let tokens else {
            throw DocQAError(.tokenizeFailed, "the model's tokenizer rejected a text of \(utf8.count) bytes.", path: path)
        }
        return tokens
    }

    /// The bytes a token stands for. A piece can be part of a multi-byte character, so it
    /// is bytes, not a string; `UTF8Accumulator` joins pieces into text.
    ///
    /// The corresponding C function is `llama_token_to_piece`.
    public func piece(of token: LlamaToken, renderSpecial: Bool = false) -> [UInt8] {
        let chars: [CChar] = fillingBuffer(initialCapacity: 32) {
            llama_token_to_piece(vocab, token, $0, $1, 0, renderSpecial)
        } ?? []
        return chars.map { UInt8(bitPattern: $0) }
    }

    /// Joins tokens back into text (the inverse of `tokenize`).
    ///
    /// The corresponding C function is `llama_detokenize`.
    public func detokenize(_ tokens: [LlamaToken], renderSpecial: Bool = false) -> String {
        let chars: [CChar] = fillingBuffer(initialCapacity: tokens.count * 8 + 16) { buffer, capacity in
            tokens.withUnsafeBufferPointer {
                llama_detokenize(vocab, $0.baseAddress, Int32($0.count), buffer, capacity, false, renderSpecial)
            }
        } ?? []
        return String(decoding: chars.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `token` ends generation (end of sequence, end of turn, …).
    public func isEndOfGeneration(_ token: LlamaToken) -> Bool {
        llama_vocab_is_eog(vocab, token)
    }

    // MARK: Chat

    /// Formats a chat with the model's own template and tokenizes it so that only the
    /// template's markup is parsed for special tokens, never the messages' content.
    ///
    /// Each message is first formatted as a unique placeholder; the formatted prompt is then
    /// cut at the placeholders, template pieces are tokenized with special-token parsing and
    /// message contents without. A model without a template llama.cpp recognises falls back
    /// to ChatML.
    /// - Throws: `.templateFailed` when no template can format the chat.
    public func chatPromptTokens(_ messages: [ChatMessage], addAssistantTurn: Bool = true) throws -> [LlamaToken] {
        let placeholders = messages.indices.map { "\u{E000}docqa-message-\($0)\u{E001}" }
        let shaped = zip(messages, placeholders).map { ChatMessage(role: $0.role, content: $1) }
        let formatted = try applyChatTemplate(shaped, addAssistantTurn: addAssistantTurn)

        var tokens: [LlamaToken] = []
        var rest = Substring(formatted)
        for (message, placeholder) in zip(messages, placeholders) {
            guard let range = rest.range(of: placeholder) else {
                throw DocQAError(.templateFailed,
                                 "the model's chat template dropped a message; choose a chat model whose template keeps every message.",
                                 path: path)
            }
            tokens += try templateTokens(String(rest[..<range.lowerBound]), isFirst: tokens.isEmpty)
            tokens += try tokenize(message.content, addSpecial: false, parseSpecial: false)
            rest = rest[range.upperBound...]
        }
        tokens += try templateTokens(String(rest), isFirst: tokens.isEmpty)
        return tokens
    }

    private func templateTokens(_ text: String, isFirst: Bool) throws -> [LlamaToken] {
        guard !text.isEmpty else { return [] }
        var tokens = try tokenize(text, addSpecial: false, parseSpecial: true)
        // The model may want a BOS token the template does not write itself.
        if isFirst, llama_vocab_get_add_bos(vocab) {
            let bos = llama_vocab_bos(vocab)
            if bos >= 0, tokens.first != bos { tokens.insert(bos, at: 0) }
        }
        return tokens
    }

    /// Formats messages with the model's chat template (ChatML when it has none llama.cpp knows).
    ///
    /// The corresponding C function is `llama_chat_apply_template`.
    public func applyChatTemplate(_ messages: [ChatMessage], addAssistantTurn: Bool) throws -> String {
        let template = chatTemplate
        if let text = format(messages, template: template, addAssistantTurn: addAssistantTurn) { return text }
        if template != nil, let text = format(messages, template: "chatml", addAssistantTurn: addAssistantTurn) { return text }
        throw DocQAError(.templateFailed,
                         "llama.cpp does not know this model's chat template; choose an instruct model with a standard template.",
                         path: path)
    }

    private func format(_ messages: [ChatMessage], template: String?, addAssistantTurn: Bool) -> String? {
        let roles = messages.map { strdup($0.role.rawValue) }
        let contents = messages.map { strdup($0.content) }
        defer {
            roles.forEach { free($0) }
            contents.forEach { free($0) }
        }
        let chat = zip(roles, contents).map { llama_chat_message(role: $0, content: $1) }
        let totalLength = messages.reduce(0) { $0 + $1.content.utf8.count } * 2 + 256
        let chars: [CChar]? = fillingBuffer(initialCapacity: totalLength, negativeMeansSize: false) { buffer, capacity in
            chat.withUnsafeBufferPointer {
                llama_chat_apply_template(template, $0.baseAddress, $0.count, addAssistantTurn, buffer, capacity)
            }
        }
        return chars.map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    }
}
