import CLlama
import Foundation

/// Why generation ended.
public enum StopReason: String, Sendable, Codable {
    /// The model produced an end-of-generation token.
    case endOfGeneration
    /// The token limit was reached.
    case maxTokens
    /// The context window was full.
    case contextFull
    /// The caller's text handler asked to stop.
    case stoppedByCaller
}

/// What one generation produced, with its timings.
public struct GenerationResult: Sendable, Equatable {
    public var text: String
    public var stopReason: StopReason
    public var promptTokens: Int
    public var generatedTokens: Int
    /// Seconds from the start of the call to the first emitted text.
    public var timeToFirstToken: Double?
    /// Seconds spent reading the prompt.
    public var promptSeconds: Double
    /// Seconds for the whole call.
    public var totalSeconds: Double
}

/// A llama.cpp context that generates text from a prompt.
///
/// Owns one `llama_context` and its batch; keeps its model alive. Each `generate` call
/// starts from an empty KV cache, except for a constant prompt prefix (a system message)
/// that the previous call left there: that is kept and not read again.
public final class GenerationContext {
    public let model: LlamaModel
    private let handle: OpaquePointer
    private let batch: LlamaBatch
    private let batchSize: Int
    /// Tokens the context holds: prompt plus answer.
    public let contextLength: Int
    /// The tokens whose keys and values the KV cache holds, from position 0; empty when
    /// unknown (after an error).
    private var cached: [LlamaToken] = []

    /// Creates a generation context of `contextLength` tokens (capped at the model's training length).
    ///
    /// The corresponding C function is `llama_init_from_model`.
    /// - Throws: `.contextFailed` when llama.cpp cannot allocate the context.
    public init(model: LlamaModel, contextLength: Int = 4096, batchSize: Int = 512, threads: Int? = nil) throws {
        let trained = model.trainingContextLength
        let length = max(64, trained > 0 ? min(contextLength, trained) : contextLength)
        var params = llama_context_default_params()
        params.n_ctx = UInt32(length)
        params.n_batch = UInt32(min(batchSize, length))
        params.n_ubatch = UInt32(min(batchSize, length))
        params.n_seq_max = 1
        params.no_perf = true
        let threadCount = Int32(threads ?? ProcessInfo.processInfo.activeProcessorCount)
        params.n_threads = threadCount
        params.n_threads_batch = threadCount
        guard let context = llama_init_from_model(model.handle, params) else {
            let reason = LlamaRuntime.takeLastError().map { " llama.cpp said: \($0)" } ?? ""
            throw DocQAError(.contextFailed,
                             "llama.cpp could not create a \(length)-token context for this model; try a smaller --context.\(reason)",
                             path: model.path)
        }
        self.model = model
        self.handle = context
        self.contextLength = Int(llama_n_ctx(context))
        self.batchSize = Int(params.n_batch)
        self.batch = LlamaBatch(capacity: Int(params.n_batch))
    }

    deinit {
        llama_free(handle)
    }

    /// Generates a continuation of `prompt`, passing text to `onText` as it completes.
    ///
    /// Text reaches `onText` in whole characters (see `UTF8Accumulator`); return `false`
    /// from it to stop early. Stops at an end-of-generation token, after `maxTokens`, or
    /// when the context is full — none of which is an error.
    /// The first `reusablePrefix` tokens of `prompt` are kept in the KV cache for the next
    /// call, and reused from the previous one when they are the same tokens. They are
    /// always read on their own, so a reused prefix holds exactly what reading it afresh
    /// would: the answer does not depend on what was asked before.
    /// - Throws: `.promptTooLong` when the prompt does not fit the context with room to
    ///   answer; decode errors from llama.cpp.
    public func generate(prompt: [LlamaToken], reusablePrefix: Int = 0, maxTokens: Int,
                         sampling: SamplingSettings = .deterministic,
                         onText: (String) -> Bool = { _ in true }) throws -> GenerationResult {
        let clock = ContinuousClock()
        let start = clock.now
        func seconds(since instant: ContinuousClock.Instant) -> Double {
            let elapsed = instant.duration(to: clock.now).components
            return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        }
        guard !prompt.isEmpty else {
            throw DocQAError(.invalidArgument, "cannot generate from an empty prompt.", path: model.path)
        }
        guard prompt.count < contextLength - 1 else {
            throw DocQAError(.promptTooLong,
                             "the prompt has \(prompt.count) tokens but the model's context holds \(contextLength); use fewer sources (--top-k) or a larger --context.",
                             path: model.path)
        }
        let sampler = LlamaSampler(settings: sampling, model: model)
        let memory = llama_get_memory(handle)
        let prefix = min(max(0, reusablePrefix), prompt.count - 1)
        var position = 0
        if prefix > 0, cached.count >= prefix, cached[0..<prefix] == prompt[0..<prefix],
           llama_memory_seq_rm(memory, 0, Int32(prefix), -1) {
            position = prefix
        } else {
            llama_memory_clear(memory, true)
        }
        cached = []
        // Read the prompt in batches (the prefix on its own); only its last token needs logits.
        for end in [prefix, prompt.count] where position < end {
            while position < end {
                batch.clear()
                let stop = min(position + batchSize, end)
                for index in position..<stop {
                    batch.append(prompt[index], position: index, sequence: 0, wantsOutput: index == prompt.count - 1)
                }
                try checkDecodeResult(llama_decode(handle, batch.raw), model: model)
                position = stop
            }
        }
        cached = prompt
        let promptSeconds = seconds(since: start)

        var text = ""
        var accumulator = UTF8Accumulator()
        var generated = 0
        var firstTokenTime: Double?
        var reason = StopReason.maxTokens
        func emit(_ piece: String) -> Bool {
            guard !piece.isEmpty else { return true }
            if firstTokenTime == nil { firstTokenTime = seconds(since: start) }
            text += piece
            return onText(piece)
        }

        while generated < maxTokens {
            let token = sampler.sample(handle)
            if model.isEndOfGeneration(token) {
                reason = .endOfGeneration
                break
            }
            generated += 1
            if !emit(accumulator.append(model.piece(of: token))) {
                reason = .stoppedByCaller
                break
            }
            if position >= contextLength {
                reason = .contextFull
                break
            }
            batch.clear()
            batch.append(token, position: position, sequence: 0, wantsOutput: true)
            do {
                try checkDecodeResult(llama_decode(handle, batch.raw), model: model)
            } catch {
                cached = []
                throw error
            }
            cached.append(token)
            position += 1
        }
        _ = emit(accumulator.flush())
        return GenerationResult(text: text, stopReason: reason, promptTokens: prompt.count,
                                generatedTokens: generated, timeToFirstToken: firstTokenTime,
                                promptSeconds: promptSeconds, totalSeconds: seconds(since: start))
    }
}
