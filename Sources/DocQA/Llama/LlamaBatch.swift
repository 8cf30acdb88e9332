import CLlama

/// A batch of tokens for `llama_decode` or `llama_encode`.
///
/// Owns one `llama_batch` allocated by `llama_batch_init`; `deinit` frees it.
final class LlamaBatch {
    private(set) var raw: llama_batch
    let capacity: Int
    private let maxSequencesPerToken: Int

    init(capacity: Int, maxSequencesPerToken: Int = 1) {
        self.capacity = capacity
        self.maxSequencesPerToken = maxSequencesPerToken
        raw = llama_batch_init(Int32(capacity), 0, Int32(maxSequencesPerToken))
    }

    deinit {
        llama_batch_free(raw)
    }

    var count: Int { Int(raw.n_tokens) }

    func clear() { raw.n_tokens = 0 }

    /// Appends one token. Overfilling the batch is a programming error.
    func append(_ token: LlamaToken, position: Int, sequence: Int32, wantsOutput: Bool) {
        let index = Int(raw.n_tokens)
        precondition(index < capacity, "LlamaBatch overfilled")
        raw.token[index] = token
        raw.pos[index] = Int32(position)
        raw.n_seq_id[index] = 1
        raw.seq_id[index]![0] = sequence
        raw.logits[index] = wantsOutput ? 1 : 0
        raw.n_tokens += 1
    }
}

/// Maps a `llama_decode`/`llama_encode` return code to a named error.
func checkDecodeResult(_ code: Int32, model: LlamaModel) throws {
    switch code {
    case 0:
        return
    case 1:
        throw DocQAError(.decodeNoSlot,
                         "the model's context is full; ask a shorter question or use fewer sources (--top-k).",
                         path: model.path)
    case 2:
        throw DocQAError(.decodeAborted, "the model stopped because the run was cancelled.", path: model.path)
    case -1:
        throw DocQAError(.decodeInvalidBatch,
                         "llama.cpp rejected a batch of tokens as invalid; this is a docqa bug, please report it.",
                         path: model.path)
    default:
        let reason = LlamaRuntime.takeLastError().map { " llama.cpp said: \($0)" } ?? ""
        throw DocQAError(.decodeFailed, "llama.cpp failed while running the model (code \(code)).\(reason)",
                         path: model.path)
    }
}
