import CLlama
import Foundation
import Synchronization

/// Process-wide llama.cpp state: backend initialisation and where its log lines go.
///
/// llama.cpp prints load and compute diagnostics to stderr by default, and passing a null
/// callback to `llama_log_set` does not silence it. docqa installs its own callback that
/// drops every line unless `DOCQA_LLAMA_LOG=1` is set, and remembers the last error line
/// so a failed model load can say why.
enum LlamaRuntime {
    private static let lastError = Mutex<String?>(nil)
    static let verbose = ProcessInfo.processInfo.environment["DOCQA_LLAMA_LOG"] == "1"

    /// Runs `llama_backend_init` and installs the log callback, once per process.
    static func initialize() { _ = initialized }

    private static let initialized: Bool = {
        llama_log_set({ level, text, _ in
            guard let text else { return }
            let line = String(cString: text)
            if level == GGML_LOG_LEVEL_ERROR {
                LlamaRuntime.recordError(line)
            }
            if LlamaRuntime.verbose {
                FileHandle.standardError.write(Data(line.utf8))
            }
        }, nil)
        llama_backend_init()
        return true
    }()

    private static func recordError(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        lastError.withLock { $0 = trimmed }
    }

    /// Returns and clears the last error line llama.cpp logged.
    static func takeLastError() -> String? {
        lastError.withLock { value in
            defer { value = nil }
            return value
        }
    }
}

/// Calls a C function that fills a caller-provided buffer and reports the size it needed.
///
/// llama.cpp's fill functions disagree on how they report a short buffer: some return the
/// negated size needed (`llama_tokenize`, `llama_token_to_piece`, `llama_detokenize`),
/// others the full size even when it did not fit (`llama_chat_apply_template`,
/// `llama_model_meta_val_str`, which also writes a terminating NUL). This handles both by
/// growing the buffer and calling again. Returns `nil` when the call reports failure
/// (`INT32_MIN`, or a negative size with `negativeMeansSize` false).
func fillingBuffer<Element>(
    initialCapacity: Int,
    negativeMeansSize: Bool = true,
    reservesTerminator: Bool = false,
    _ fill: (UnsafeMutablePointer<Element>, Int32) -> Int32
) -> [Element]? where Element: BinaryInteger {
    var capacity = max(initialCapacity, 1)
    for _ in 0..<4 {
        var buffer = [Element](repeating: 0, count: capacity)
        let result = buffer.withUnsafeMutableBufferPointer { fill($0.baseAddress!, Int32($0.count)) }
        if result == Int32.min { return nil }
        if result < 0 {
            guard negativeMeansSize else { return nil }
            capacity = Int(-result) + (reservesTerminator ? 1 : 0)
            continue
        }
        let needed = Int(result) + (reservesTerminator ? 1 : 0)
        if needed > capacity {
            capacity = needed
            continue
        }
        return Array(buffer.prefix(Int(result)))
    }
    return nil
}
