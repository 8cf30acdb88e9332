import Foundation

/// Whether llama.cpp copies a model's quantized weights at load into its interleaved
/// ("repacked") layout for matrix products over many tokens, or computes from the file's
/// own layout, memory-mapped.
///
/// Measured on the 2-core AVX-512 machine (AMD Zen 4) with the 1.5B default model
/// (BENCHMARKS.md, "Weight repacking"): without repacking, reading a 530-token prompt takes
/// 3.6 s instead of 5.2 s and loading the model 0.4 s instead of 1.0 s; answers change only
/// as any change of CPU kernels changes rounding. On a Zen 5 too ("A newer CPU"): hard-set
/// median 2.95 s a question without repacking, 3.81 s with it. And on an AVX2-only CPU
/// (AMD EPYC, Zen 3 class; "Weight repacking off on AVX2 too"): a 535-token prompt read in
/// about 10.4 s instead of 12.9 s, and a whole `ask` a median 15.5 s instead of 19.5 s, as
/// copying the models' weights at every start also goes. So repacking is off on every CPU
/// with AVX2 or AVX-512. Elsewhere (ARM, x86 without AVX2) llama.cpp's own choice,
/// repacking, stands: nothing here measured those. `DOCQA_REPACK=1` or `0` overrides.
public struct WeightRepacking: Sendable, Equatable {
    public var isOn: Bool
    /// Why, in a few words, for `docqa doctor`.
    public var reason: String
    /// DOCQA_REPACK's value when it is set to something other than 1 or 0, which is
    /// ignored (the CPU rule applies); `docqa doctor` reports it as a problem.
    public var ignoredSetting: String?

    /// The setting for this process: the CPU features llama.cpp was built for and the
    /// environment.
    public static let current = decide(cpuFeatures: LlamaLibrary.cpuFeatures,
                                       environment: ProcessInfo.processInfo.environment)

    /// `cpuFeatures` as `LlamaLibrary.cpuFeatures` reports them.
    static func decide(cpuFeatures: [(name: String, enabled: Bool)], environment: [String: String]) -> WeightRepacking {
        switch environment["DOCQA_REPACK"] {
        case "1": return WeightRepacking(isOn: true, reason: "DOCQA_REPACK=1")
        case "0": return WeightRepacking(isOn: false, reason: "DOCQA_REPACK=0")
        default: break
        }
        // The instruction sets where repacking measured slower: llama.cpp's name, then ours.
        let measured = [(feature: "AVX512", label: "AVX-512"), (feature: "AVX2", label: "AVX2")].first { set in
            cpuFeatures.contains { $0.name == set.feature && $0.enabled }
        }
        var decided = measured.map {
            WeightRepacking(isOn: false, reason: "an \($0.label) CPU, where repacking measured slower; DOCQA_REPACK=1 turns it on")
        } ?? WeightRepacking(isOn: true, reason: "llama.cpp's default on a CPU without AVX2 or AVX-512; DOCQA_REPACK=0 turns it off")
        decided.ignoredSetting = environment["DOCQA_REPACK"]
        return decided
    }
}
