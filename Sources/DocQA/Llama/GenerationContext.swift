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

/// A llama.cpp context that generates text from a prompt, or from several at once.
///
/// Owns one `llama_context` and its batch; keeps its model alive. Each `generate` call
/// starts from an empty KV cache, except for a constant prompt prefix (a system message)
/// that the previous call left there: that is kept and not read again (and, when marked
/// shared, restored from a saved state in a new process: `PrefixStateStore`).
public final class GenerationContext {
    /// Prompts one `generate(prompts:)` call can answer together.
    public let sequences: Int
    public let model: LlamaModel
    private let handle: OpaquePointer
    private let batch: LlamaBatch
    private let batchSize: Int
    /// Tokens the context holds: prompt plus answer.
    public let contextLength: Int
    /// The tokens whose keys and values the KV cache holds, from position 0; empty when
    /// unknown (after an error).
    private var cached: [LlamaToken] = []
    private let threads: ComputeThreads
    /// Prompt prefixes this context took from `model.prefixStates` instead of reading them.
    private(set) var restoredPrefixes = 0

    /// Creates a generation context of `contextLength` tokens (capped at the model's training length).
    ///
    /// The corresponding C function is `llama_init_from_model`.
    /// - Throws: `.contextFailed` when llama.cpp cannot allocate the context.
    /// With `sequences` above 1 the KV cache holds that many prompts of `contextLength`
    /// tokens side by side, in one buffer (the prefix they share is stored once).
    public init(model: LlamaModel, contextLength: Int = 4096, batchSize: Int = 512, threads: Int? = nil,
                sequences: Int = 1) throws {
        let trained = model.trainingContextLength
        let length = max(64, trained > 0 ? min(contextLength, trained) : contextLength)
        let sequences = max(1, sequences)
        var params = llama_context_default_params()
        params.n_ctx = UInt32(length * sequences)
        params.n_batch = UInt32(min(batchSize, length))
        params.n_ubatch = UInt32(min(batchSize, length))
        params.n_seq_max = UInt32(sequences)
        params.kv_unified = sequences > 1
        params.no_perf = true
        // Every core, whatever the load: the same question gives the same answer on a busy
        // machine as on a quiet one (`ComputeThreads`). Answering gained nothing from
        // following the load (BENCHMARKS.md, "Contention, session 6"); indexing does.
        let computeThreads = ComputeThreads(requested: threads, followsLoad: false)
        params.n_threads = Int32(computeThreads.current)
        params.n_threads_batch = Int32(computeThreads.current)
        guard let context = llama_init_from_model(model.handle, params) else {
            let reason = LlamaRuntime.takeLastError().map { " llama.cpp said: \($0)" } ?? ""
            throw DocQAError(.contextFailed,
                             "llama.cpp could not create a \(length)-token context for this model; try a smaller --context.\(reason)",
                             path: model.path)
        }
        self.model = model
        self.handle = context
        self.sequences = sequences
        self.contextLength = Int(llama_n_ctx(context)) / sequences
        self.batchSize = Int(params.n_batch)
        self.batch = LlamaBatch(capacity: Int(params.n_batch))
        self.threads = computeThreads
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
    /// With `sharedPrefix`, the caller promises the prefix holds only its own instructions,
    /// the same for every prompt (never a question or a document): its state is then also
    /// restored from, and saved to, `model.prefixStates`.
    /// - Throws: `.promptTooLong` when the prompt does not fit the context with room to
    ///   answer; decode errors from llama.cpp.
    public func generate(prompt: [LlamaToken], reusablePrefix: Int = 0, sharedPrefix: Bool = false, maxTokens: Int,
                         sampling: SamplingSettings = .deterministic,
                         onText: (String) -> Bool = { _ in true }) throws -> GenerationResult {
        let start = ContinuousClock.now
        try checkFits(prompt)
        let sampler = LlamaSampler(settings: sampling, model: model)
        try read(prompt, reusablePrefix: reusablePrefix, sharedPrefix: sharedPrefix)
        var position = prompt.count
        let promptSeconds = start.duration(to: .now).inSeconds

        var text = ""
        var accumulator = UTF8Accumulator()
        var generated = 0
        var firstTokenTime: Double?
        var reason = StopReason.maxTokens
        func emit(_ piece: String) -> Bool {
            guard !piece.isEmpty else { return true }
            if firstTokenTime == nil { firstTokenTime = start.duration(to: .now).inSeconds }
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
                try decodeBatch()
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
                                promptSeconds: promptSeconds, totalSeconds: start.duration(to: .now).inSeconds)
    }

    /// Generates continuations of several prompts at once, one sequence each: every step
    /// decodes one token of every unfinished answer in a single batch, so the model's
    /// weights are read once per step for all of them.
    ///
    /// Each prompt is read on its own, after the `reusablePrefix` they share (read once,
    /// or kept from the previous call), exactly as `generate(prompt:…)` reads it.
    /// `onText` gets the prompt's index with each piece of text; `false` stops that one.
    /// `maxTokens` holds each prompt's limit.
    /// - Throws: as `generate(prompt:…)`; `.invalidArgument` for more prompts than
    ///   `sequences`.
    public func generate(prompts: [[LlamaToken]], reusablePrefix: Int = 0, maxTokens: [Int],
                         sampling: SamplingSettings = .deterministic,
                         onText: (Int, String) -> Bool = { _, _ in true }) throws -> [GenerationResult] {
        precondition(maxTokens.count == prompts.count, "one token limit per prompt")
        guard prompts.count > 1 else {
            return try prompts.map { try generate(prompt: $0, reusablePrefix: reusablePrefix, maxTokens: maxTokens[0],
                                                  sampling: sampling, onText: { onText(0, $0) }) }
        }
        guard prompts.count <= sequences else {
            throw DocQAError(.invalidArgument, "\(prompts.count) prompts given to a context made for \(sequences).",
                             path: model.path)
        }
        for prompt in prompts { try checkFits(prompt) }
        let start = ContinuousClock.now
        let memory = llama_get_memory(handle)
        var prefix = min(max(0, reusablePrefix), prompts.map { $0.count - 1 }.min() ?? 0)
        if !prompts.allSatisfy({ $0[0..<prefix] == prompts[0][0..<prefix] }) { prefix = 0 }

        // The shared prefix: kept in sequence 0 from the previous call, or read afresh.
        if prefix > 0, cached.count >= prefix, cached[0..<prefix] == prompts[0][0..<prefix],
           llama_memory_seq_rm(memory, -1, Int32(prefix), -1) {
            for sequence in 1..<sequences { _ = llama_memory_seq_rm(memory, Int32(sequence), -1, -1) }
        } else {
            llama_memory_clear(memory, true)
            cached = []
            try decode(prompts[0], from: 0, to: prefix, sequence: 0, lastWantsOutput: false)
        }
        cached = Array(prompts[0][0..<prefix])
        for sequence in 1..<prompts.count { llama_memory_seq_cp(memory, 0, Int32(sequence), -1, -1) }

        struct Stream {
            var sampler: LlamaSampler
            var promptTokens: Int
            var maxTokens: Int
            var position: Int
            var next: LlamaToken = 0
            var text = ""
            var accumulator = UTF8Accumulator()
            var generated = 0
            var firstTokenTime: Double?
            var promptSeconds = 0.0
            var reason: StopReason?
        }
        var streams: [Stream] = []
        do {
            // Each prompt's own part, read on its own as `generate(prompt:)` would; its
            // first answer token is chosen right away (the logits last only until the
            // next decode).
            for (index, prompt) in prompts.enumerated() {
                var stream = Stream(sampler: LlamaSampler(settings: sampling, model: model), promptTokens: prompt.count,
                                    maxTokens: maxTokens[index], position: prompt.count)
                try decode(prompt, from: prefix, to: prompt.count, sequence: Int32(index), lastWantsOutput: true)
                stream.next = stream.sampler.sample(handle)
                stream.promptSeconds = start.duration(to: .now).inSeconds
                streams.append(stream)
            }
            while true {
                batch.clear()
                var members: [Int] = []
                for index in streams.indices where streams[index].reason == nil {
                    let token = streams[index].next
                    if model.isEndOfGeneration(token) {
                        streams[index].reason = .endOfGeneration
                        continue
                    }
                    if streams[index].generated >= streams[index].maxTokens {
                        streams[index].reason = .maxTokens
                        continue
                    }
                    streams[index].generated += 1
                    let piece = streams[index].accumulator.append(model.piece(of: token))
                    if !piece.isEmpty {
                        if streams[index].firstTokenTime == nil { streams[index].firstTokenTime = start.duration(to: .now).inSeconds }
                        streams[index].text += piece
                        if !onText(index, piece) {
                            streams[index].reason = .stoppedByCaller
                            continue
                        }
                    }
                    if streams[index].generated >= streams[index].maxTokens {
                        streams[index].reason = .maxTokens
                        continue
                    }
                    if streams[index].position >= contextLength {
                        streams[index].reason = .contextFull
                        continue
                    }
                    batch.append(token, position: streams[index].position, sequence: Int32(index), wantsOutput: true)
                    streams[index].position += 1
                    members.append(index)
                }
                if members.isEmpty { break }
                try decodeBatch()
                for (slot, index) in members.enumerated() {
                    streams[index].next = streams[index].sampler.sample(handle, index: Int32(slot))
                }
            }
        } catch {
            cached = []
            throw error
        }
        let total = start.duration(to: .now).inSeconds
        return streams.map { stream in
            var stream = stream
            let rest = stream.accumulator.flush()
            if !rest.isEmpty { stream.text += rest }
            return GenerationResult(text: stream.text, stopReason: stream.reason ?? .maxTokens,
                                    promptTokens: stream.promptTokens, generatedTokens: stream.generated,
                                    timeToFirstToken: stream.firstTokenTime, promptSeconds: stream.promptSeconds,
                                    totalSeconds: total)
        }
    }

    /// The natural-log probabilities of each of `candidates` being the token that follows
    /// `prompt`: a yes/no judgement read as a number, without generating anything.
    /// `reusablePrefix` and `sharedPrefix` work as in `generate(prompt:…)`.
    /// - Throws: as `generate(prompt:…)`.
    public func nextTokenLogProbabilities(prompt: [LlamaToken], reusablePrefix: Int = 0, sharedPrefix: Bool = false,
                                          candidates: [LlamaToken]) throws -> [Double] {
        try checkFits(prompt)
        try read(prompt, reusablePrefix: reusablePrefix, sharedPrefix: sharedPrefix)
        guard let logits = llama_get_logits_ith(handle, -1) else {
            throw DocQAError(.decodeFailed, "llama.cpp returned no scores for the prompt; this is a docqa bug, please report it.", path: model.path)
        }
        let count = model.vocabularySize
        var largest = -Double.infinity
        for index in 0..<count { largest = max(largest, Double(logits[index])) }
        var sum = 0.0
        for index in 0..<count { sum += Foundation.exp(Double(logits[index]) - largest) }
        let normaliser = largest + Foundation.log(sum)
        return candidates.map { token in
            (0..<count).contains(Int(token)) ? Double(logits[Int(token)]) - normaliser : -Double.infinity
        }
    }

    /// Reads `prompt` into sequence 0, keeping (or reusing) its first `reusablePrefix`
    /// tokens as `generate(prompt:…)` describes; only the last token gets logits. A shared
    /// prefix not in the cache is restored from `model.prefixStates` when saved there, and
    /// saved there once read.
    private func read(_ prompt: [LlamaToken], reusablePrefix: Int, sharedPrefix: Bool) throws {
        let memory = llama_get_memory(handle)
        let prefix = min(max(0, reusablePrefix), prompt.count - 1)
        let store = sharedPrefix && prefix > 0 && sequences == 1 ? model.prefixStates : nil
        var position = 0
        if prefix > 0, cached.count >= prefix, cached[0..<prefix] == prompt[0..<prefix],
           llama_memory_seq_rm(memory, -1, Int32(prefix), -1) {
            position = prefix
        } else {
            llama_memory_clear(memory, true)
            if let store, restore(prompt[0..<prefix], from: store) { position = prefix }
        }
        cached = []
        // The prefix is read on its own; only the prompt's last token needs logits.
        try decode(prompt, from: position, to: prefix, sequence: 0, lastWantsOutput: false)
        if let store, position < prefix { save(prompt[0..<prefix], to: store) }
        try decode(prompt, from: max(position, prefix), to: prompt.count, sequence: 0, lastWantsOutput: true)
        cached = prompt
    }

    /// What the saved state of `tokens` is filed under: a hash of all its values depend on
    /// (the llama.cpp build: its version, pin and library file, and the CPU features it
    /// uses; the model file as loaded; the context's shape and threads; the tokens). Nil
    /// when the model file or the library cannot be identified.
    private func prefixStateKey(_ tokens: ArraySlice<LlamaToken>) -> String? {
        guard let modelIdentity = model.fileIdentity, let build = Self.buildIdentity else { return nil }
        var hash = SHA256()
        hash.update([
            build, "repack \(WeightRepacking.current.isOn)",
            model.path, modelIdentity,
            "context \(contextLength) sequences \(sequences) batch \(batchSize) threads \(threads.current)",
            tokens.map(String.init).joined(separator: " "),
        ].joined(separator: "\n"))
        return hash.finalize()
    }

    /// The loaded llama.cpp build: version, pin, the library file's identity and the CPU
    /// report; nil when the library file cannot be found.
    private static let buildIdentity: String? = {
        guard let library = LlamaLibrary.loadedFrom, let identity = LlamaModel.identity(ofFileAt: library) else { return nil }
        return [LlamaLibrary.version, LlamaLibrary.pin ?? "no pin", library, identity,
                String(cString: llama_print_system_info())].joined(separator: "\n")
    }()

    /// Puts the saved state of `tokens` into the empty KV cache as sequence 0; false (and
    /// the cache emptied again) when there is none or llama.cpp does not take it.
    ///
    /// The corresponding C functions are `llama_state_seq_set_data` and `llama_memory_seq_pos_max`.
    private func restore(_ tokens: ArraySlice<LlamaToken>, from store: PrefixStateStore) -> Bool {
        guard let key = prefixStateKey(tokens), let state = store.load(key: key) else { return false }
        let taken = state.withUnsafeBufferPointer { llama_state_seq_set_data(handle, $0.baseAddress, $0.count, 0) }
        // The whole state taken, and it holds exactly the prefix's positions.
        guard taken == state.count, llama_memory_seq_pos_max(llama_get_memory(handle), 0) == Int32(tokens.count - 1) else {
            llama_memory_clear(llama_get_memory(handle), true)
            _ = LlamaRuntime.takeLastError()
            return false
        }
        restoredPrefixes += 1
        return true
    }

    /// Saves sequence 0's state, which holds exactly `tokens`, for the next process.
    ///
    /// The corresponding C functions are `llama_state_seq_get_size` and `llama_state_seq_get_data`.
    private func save(_ tokens: ArraySlice<LlamaToken>, to store: PrefixStateStore) {
        guard let key = prefixStateKey(tokens) else { return }
        let size = llama_state_seq_get_size(handle, 0)
        guard size > 0 else { return }
        var state = [UInt8](repeating: 0, count: size)
        let written = state.withUnsafeMutableBufferPointer { llama_state_seq_get_data(handle, $0.baseAddress, size, 0) }
        guard written == size else { return }
        store.save(key: key, state: state)
    }

    /// - Throws: `.invalidArgument` for an empty prompt, `.promptTooLong` for one that
    ///   leaves no room to answer.
    private func checkFits(_ prompt: [LlamaToken]) throws {
        guard !prompt.isEmpty else {
            throw DocQAError(.invalidArgument, "cannot generate from an empty prompt.", path: model.path)
        }
        guard prompt.count < contextLength - 1 else {
            throw DocQAError(.promptTooLong,
                             "the prompt has \(prompt.count) tokens but the model's context holds \(contextLength); use fewer sources (--top-k) or a larger --context.",
                             path: model.path)
        }
    }

    /// Runs the model on `batch`, with as many threads as the machine has free.
    private func decodeBatch() throws {
        threads.refresh { count in llama_set_n_threads(handle, count, count) }
        try checkDecodeResult(llama_decode(handle, batch.raw), model: model)
    }

    /// Reads `tokens[from..<to]` into `sequence` in batches; only the last token gets logits,
    /// and only when `lastWantsOutput`.
    private func decode(_ tokens: [LlamaToken], from: Int, to end: Int, sequence: Int32, lastWantsOutput: Bool) throws {
        var position = from
        while position < end {
            batch.clear()
            let stop = min(position + batchSize, end)
            for index in position..<stop {
                batch.append(tokens[index], position: index, sequence: sequence,
                             wantsOutput: lastWantsOutput && index == end - 1)
            }
            try decodeBatch()
            position = stop
        }
    }
}
