import CLlama

/// How the next token is chosen.
public struct SamplingSettings: Sendable, Equatable {
    /// 0 means greedy: the same prompt always gives the same answer.
    public var temperature: Float
    public var topP: Float
    /// Penalises tokens repeated within the last `repeatWindow` tokens; 1 disables it.
    /// Small models loop without it.
    public var repeatPenalty: Float
    public var repeatWindow: Int
    public var seed: UInt32

    public init(temperature: Float = 0, topP: Float = 0.95, repeatPenalty: Float = 1.1,
                repeatWindow: Int = 64, seed: UInt32 = 42) {
        self.temperature = temperature
        self.topP = topP
        self.repeatPenalty = repeatPenalty
        self.repeatWindow = repeatWindow
        self.seed = seed
    }

    /// Greedy decoding with a mild repetition penalty: reproducible, and keeps small
    /// models from looping in free text.
    public static let deterministic = SamplingSettings()

    /// Greedy decoding without a repetition penalty, for answers that copy figures and
    /// names from the sources (a penalty pushes a model away from repeating them exactly).
    public static let answering = SamplingSettings(repeatPenalty: 1)
}

/// A llama.cpp sampler chain. Owns one `llama_sampler`; `deinit` frees it.
final class LlamaSampler {
    private let handle: UnsafeMutablePointer<llama_sampler>

    init(settings: SamplingSettings, model: LlamaModel) {
        var params = llama_sampler_chain_default_params()
        params.no_perf = true
        handle = llama_sampler_chain_init(params)
        // The penalty scans every candidate, so narrow to the top 40 first.
        llama_sampler_chain_add(handle, llama_sampler_init_top_k(40))
        if settings.repeatPenalty != 1 {
            llama_sampler_chain_add(handle, llama_sampler_init_penalties(
                Int32(model.vocabularySize), Int32(settings.repeatWindow), settings.repeatPenalty, 0, 0))
        }
        if settings.temperature <= 0 {
            llama_sampler_chain_add(handle, llama_sampler_init_greedy())
        } else {
            llama_sampler_chain_add(handle, llama_sampler_init_top_p(settings.topP, 1))
            llama_sampler_chain_add(handle, llama_sampler_init_temp(settings.temperature))
            llama_sampler_chain_add(handle, llama_sampler_init_dist(settings.seed))
        }
    }

    deinit {
        llama_sampler_free(handle)
    }

    /// Picks the next token from the logits of the context's last output (or of the
    /// batch's token at `index`) and records it.
    func sample(_ context: OpaquePointer, index: Int32 = -1) -> LlamaToken {
        llama_sampler_sample(handle, context, index)
    }
}
