import CLlama
import Foundation

/// The llama.cpp build docqa runs with, for `docqa doctor`: its version, the CPU
/// instructions it was compiled to use, and the file it was loaded from.
public enum LlamaLibrary {
    /// ggml's version and commit as the loaded library reports them, e.g. `0.25.3 (0c1e570)`.
    ///
    /// The corresponding C functions are `ggml_version` and `ggml_commit`.
    public static var version: String {
        "\(String(cString: ggml_version())) (\(String(cString: ggml_commit())))"
    }

    /// The features llama.cpp reports for its CPU backend, in its order, e.g.
    /// `[("AVX2", true), ("OPENMP", true)]`: instruction sets it was compiled to use and
    /// build options. Empty when the report has no CPU section.
    ///
    /// The corresponding C function is `llama_print_system_info` (after the backend is
    /// initialised, so the CPU backend is registered).
    public static var cpuFeatures: [(name: String, enabled: Bool)] {
        LlamaRuntime.initialize()
        return parseSystemInfo(String(cString: llama_print_system_info()))
    }

    /// Reads `CPU : SSE3 = 1 | AVX = 1 | … |`: the `name = value` pairs of the CPU
    /// section (other backends' sections, which would follow a `;`-less `NAME :`, end it).
    static func parseSystemInfo(_ text: String) -> [(name: String, enabled: Bool)] {
        guard let start = text.range(of: "CPU :") else { return [] }
        var features: [(name: String, enabled: Bool)] = []
        for item in text[start.upperBound...].split(separator: "|") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains(" ") else {
                if item.contains(":") { break }
                continue
            }
            features.append((parts[0], parts[1] != "0"))
        }
        return features
    }

    /// The file libllama was loaded from (from `/proc/self/maps`), or nil where that
    /// cannot be read.
    public static var loadedFrom: String? {
        LlamaRuntime.initialize()
        guard let maps = CPUActivity.readSmallFile("/proc/self/maps") else { return nil }
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            if (path as NSString).lastPathComponent.hasPrefix("libllama.so") { return path }
        }
        return nil
    }

    /// The pin of the loaded build, as Scripts/bootstrap (`PREFIX/share/docqa`) or the
    /// Debian package (beside the library) recorded it: `llama-cpp-python-0.3.36 sha256:…`.
    /// Nil when neither file is there (a llama.cpp installed some other way).
    public static var pin: String? {
        guard let library = loadedFrom else { return nil }
        let folder = (library as NSString).deletingLastPathComponent
        let candidates = [
            (folder as NSString).appendingPathComponent("llama.cpp.pin"),
            (((folder as NSString).deletingLastPathComponent as NSString)
                .appendingPathComponent("share/docqa") as NSString).appendingPathComponent("llama.cpp.pin"),
        ]
        for candidate in candidates {
            if let text = try? String(contentsOfFile: candidate, encoding: .utf8) {
                let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !line.isEmpty { return line }
            }
        }
        return nil
    }
}
