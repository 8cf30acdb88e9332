import CLlama
import Foundation

/// A llama.cpp context that turns token sequences into pooled, L2-normalised embeddings.
///
/// Owns one `llama_context`; keeps its model alive. Sequences are packed several to a
/// micro-batch but never beyond `microBatchTokens`: attention cost grows with the square
/// of the micro-batch, and on this class of machine 512-token micro-batches embed about
/// twice as fast as 4,096-token ones (see BENCHMARKS.md).
public final class EmbeddingContext {
    public let model: LlamaModel
    private var handle: OpaquePointer
    private let batch: LlamaBatch
    private let microBatchTokens: Int
    private let maxSequences: Int
    private let threads: ComputeThreads
    /// Width of the vectors this context returns.
    public let dimension: Int

    /// Creates an embedding context.
    ///
    /// The corresponding C function is `llama_init_from_model` with `embeddings = true`.
    /// - Throws: `.notAnEmbeddingModel` for reranking models, `.contextFailed` when
    ///   llama.cpp cannot allocate the context.
    public init(model: LlamaModel, microBatchTokens: Int = 512, maxSequences: Int = 32, threads: Int? = nil) throws {
        let tokens = max(8, min(microBatchTokens, model.trainingContextLength > 0 ? model.trainingContextLength : microBatchTokens))
        var params = llama_context_default_params()
        params.n_ctx = UInt32(tokens)
        params.n_batch = UInt32(tokens)
        params.n_ubatch = UInt32(tokens)
        params.n_seq_max = UInt32(maxSequences)
        params.kv_unified = true
        params.embeddings = true
        params.no_perf = true
        let computeThreads = ComputeThreads(requested: threads)
        params.n_threads = Int32(computeThreads.current)
        params.n_threads_batch = Int32(computeThreads.current)

        guard var context = llama_init_from_model(model.handle, params) else {
            throw Self.contextError(model)
        }
        switch llama_pooling_type(context) {
        case LLAMA_POOLING_TYPE_RANK:
            llama_free(context)
            throw DocQAError(.notAnEmbeddingModel,
                             "this is a reranking model, not an embedding model; name a GGUF embedding model such as all-MiniLM-L6-v2.",
                             path: model.path)
        case LLAMA_POOLING_TYPE_NONE:
            // A model without a pooling rule (e.g. a chat model used for embeddings): average
            // its token states, which is what sentence-embedding models do.
            llama_free(context)
            params.pooling_type = LLAMA_POOLING_TYPE_MEAN
            guard let pooled = llama_init_from_model(model.handle, params) else { throw Self.contextError(model) }
            context = pooled
        default:
            break
        }
        self.model = model
        self.handle = context
        self.microBatchTokens = tokens
        self.maxSequences = maxSequences
        self.threads = computeThreads
        self.dimension = model.embeddingDimension
        self.batch = LlamaBatch(capacity: tokens)
    }

    deinit {
        llama_free(handle)
    }

    private static func contextError(_ model: LlamaModel) -> DocQAError {
        let reason = LlamaRuntime.takeLastError().map { " llama.cpp said: \($0)" } ?? ""
        return DocQAError(.contextFailed, "llama.cpp could not create an embedding context for this model.\(reason)",
                          path: model.path)
    }

    /// The longest sequence, in tokens, that one call can embed whole.
    public var maxTokensPerSequence: Int { microBatchTokens }

    /// Embeds each token sequence; returns one unit-length vector per sequence, in order.
    ///
    /// A sequence longer than `maxTokensPerSequence` is cut to that length (its tail is
    /// not embedded); callers that must not lose text chunk it first.
    /// - Throws: a decode error from llama.cpp; `.invalidArgument` for an empty sequence.
    public func embed(_ sequences: [[LlamaToken]]) throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(sequences.count)
        var start = 0
        while start < sequences.count {
            batch.clear()
            var end = start
            while end < sequences.count, end - start < maxSequences {
                let tokens = sequences[end].prefix(microBatchTokens)
                guard !tokens.isEmpty else {
                    throw DocQAError(.invalidArgument, "cannot embed an empty text.", path: model.path)
                }
                if batch.count + tokens.count > microBatchTokens { break }
                let sequence = Int32(end - start)
                for (position, token) in tokens.enumerated() {
                    batch.append(token, position: position, sequence: sequence, wantsOutput: true)
                }
                end += 1
            }
            try run()
            for sequence in 0..<(end - start) {
                guard let pointer = llama_get_embeddings_seq(handle, Int32(sequence)) else {
                    throw DocQAError(.notAnEmbeddingModel,
                                     "llama.cpp returned no pooled embedding for this model; name a GGUF embedding model.",
                                     path: model.path)
                }
                vectors.append(Self.normalized(UnsafeBufferPointer(start: pointer, count: dimension)))
            }
            start = end
        }
        return vectors
    }

    /// Whether batches go through `llama_encode`: for encoder models and for non-causal
    /// embedding models such as BERT, which have no KV cache.
    var usesEncoder: Bool { model.isEncoderOnly || llama_get_memory(handle) == nil }

    private func run() throws {
        threads.refresh { count in llama_set_n_threads(handle, count, count) }
        if usesEncoder {
            try checkDecodeResult(llama_encode(handle, batch.raw), model: model)
        } else {
            // Decoder models keep a KV cache; each batch starts from a clean one.
            llama_memory_clear(llama_get_memory(handle), true)
            try checkDecodeResult(llama_decode(handle, batch.raw), model: model)
        }
    }

    private static func normalized(_ values: UnsafeBufferPointer<Float>) -> [Float] {
        var sum: Float = 0
        for value in values { sum += value * value }
        let norm = sum.squareRoot()
        guard norm > 0 else { return Array(values) }
        return values.map { $0 / norm }
    }
}
