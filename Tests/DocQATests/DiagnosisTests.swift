@testable import DocQA
import DocQATestSupport
import Foundation
import Testing

/// Writes a small file that starts like a GGUF model; returns its SHA-256.
@discardableResult
private func writeFakeModel(_ folder: TestFolder, _ name: String, body: String = "weights") throws -> String {
    let path = try folder.write(name, "GGUF" + body)
    return try SHA256.hex(ofFileAt: path)
}

private let manifestHeader = "name\trole\tinstall\tdefault\tfile\tbytes\tsha256\tsource\tdescription"

private func manifestRow(_ name: String, _ role: String, _ file: String, isDefault: Bool) -> String {
    "\(name)\t\(role)\tdefault\t\(isDefault ? "yes" : "no")\t\(file)\t10\t\(String(repeating: "0", count: 64))\twheel:x\t\(name)"
}

/// What `docqa doctor` reads: llama.cpp's feature report, SHA256SUMS, model files, the
/// models folders and the thread settings.
@Suite struct DiagnosisTests {
    /// The CPU section of `llama_print_system_info` becomes name/enabled pairs, in order.
    @Test func systemInfoIsParsed() {
        let features = LlamaLibrary.parseSystemInfo(
            "CPU : SSE3 = 1 | AVX = 1 | AVX512 = 0 | OPENMP = 1 | REPACK = 1 | ")
        #expect(features.map(\.name) == ["SSE3", "AVX", "AVX512", "OPENMP", "REPACK"])
        #expect(features.map(\.enabled) == [true, true, false, true, true])
        #expect(LlamaLibrary.parseSystemInfo("no report").isEmpty)
    }

    /// The loaded llama.cpp reports its version and at least one CPU feature.
    @Test func loadedLlamaReportsItself() {
        #expect(LlamaLibrary.version.contains("."))
        #expect(!LlamaLibrary.cpuFeatures.isEmpty)
        #expect(LlamaLibrary.loadedFrom?.contains("libllama.so") == true)
        #expect(!SQLiteLibrary.version.isEmpty)
        #expect(!PopplerLibrary.version.isEmpty)
    }

    /// sha256sum's two line forms are read; malformed lines are skipped.
    @Test func checksumsAreParsed() {
        let a = String(repeating: "a", count: 64), b = String(repeating: "B", count: 64)
        let sums = ModelCheck.parseChecksums("\(a)  one.gguf\n\(b) *two.gguf\nnot a line\n\(a)\n")
        #expect(sums == ["one.gguf": a, "two.gguf": b.lowercased()])
    }

    /// Each state of a model file: verified, present (not hashed), mismatch, missing,
    /// not GGUF, and unlisted in SHA256SUMS.
    @Test func modelFilesAreChecked() throws {
        let folder = try TestFolder()
        let good = try writeFakeModel(folder, "good.gguf")
        try writeFakeModel(folder, "changed.gguf")
        try folder.write("text.gguf", "not a model")
        try writeFakeModel(folder, "unlisted.gguf")
        let other = String(repeating: "1", count: 64)
        try folder.write("SHA256SUMS", """
            \(good)  good.gguf
            \(other)  changed.gguf
            \(other)  text.gguf
            \(other)  gone.gguf

            """)
        func check(_ file: String, hash: Bool = true) -> ModelCheck {
            ModelCheck.check(InstalledModel(name: file, role: .chat, path: folder.file(file), bytes: nil,
                                            sha256: nil, isDefault: false, description: ""), hash: hash)
        }
        #expect(check("good.gguf").state == .verified)
        #expect(check("good.gguf").actualSHA256 == good)
        #expect(check("good.gguf", hash: false).state == .present)
        #expect(check("changed.gguf").state == .mismatch)
        #expect(check("gone.gguf").state == .missing)
        #expect(check("text.gguf").state == .notGGUF)
        #expect(check("unlisted.gguf").state == .unlisted)
        #expect(check("unlisted.gguf").isHealthy)
        #expect(!check("changed.gguf").isHealthy)
    }

    /// The user's models folder comes first; the system folder (the docqa-models
    /// package) adds the models the user's does not list, and with no user manifest it
    /// provides the defaults.
    @Test func systemModelsFolderIsReadAfterTheUsers() throws {
        let data = try TestFolder(), system = try TestFolder()
        try system.write("models.tsv", [manifestHeader,
                                        manifestRow("minilm", "embedding", "m.gguf", isDefault: true),
                                        manifestRow("qwen", "chat", "q.gguf", isDefault: true)].joined(separator: "\n"))
        let locations = Locations(environment: ["XDG_DATA_HOME": data.path, "DOCQA_SYSTEM_MODELS": system.path])
        #expect(locations.modelsDirectories == [data.path + "/docqa/models", system.path])

        let systemOnly = ModelCatalog(locations: locations)
        #expect(systemOnly.models.map(\.name) == ["minilm", "qwen"])
        #expect(try systemOnly.resolve(nil, role: .chat) == system.path + "/q.gguf")

        try data.write("docqa/models/models.tsv", [manifestHeader,
                                                   manifestRow("qwen", "chat", "mine.gguf", isDefault: true)].joined(separator: "\n"))
        let both = ModelCatalog(locations: locations)
        #expect(both.models.map(\.name) == ["qwen", "minilm"])
        #expect(try both.resolve(nil, role: .chat) == data.path + "/docqa/models/mine.gguf")
        #expect(try both.resolve(nil, role: .embedding) == system.path + "/m.gguf")
    }

    /// DOCQA_THREADS fixes the count (below 1 counts as 1); a value that is not a number
    /// is reported as ignored; unset, the count is at most the cores.
    @Test func threadSettingsFollowTheEnvironment() {
        let fixed = ThreadSettings.current(environment: ["DOCQA_THREADS": "3"])
        #expect(fixed.fixed == 3 && fixed.threads == 3 && !fixed.environmentIgnored)
        #expect(ThreadSettings.current(environment: ["DOCQA_THREADS": "0"]).threads == 1)
        let ignored = ThreadSettings.current(environment: ["DOCQA_THREADS": "two"])
        #expect(ignored.environmentIgnored && ignored.fixed == nil)
        let free = ThreadSettings.current(environment: [:])
        #expect(free.environment == nil && (1...free.cores).contains(free.threads))
    }

    /// Weights are repacked only when llama.cpp was built for neither AVX2 nor AVX-512
    /// (measured slower on both); DOCQA_REPACK=1 or 0 decides either way; any other value is
    /// left to the CPU rule and recorded as ignored (a `docqa doctor` problem).
    @Test func weightRepackingFollowsTheCPUAndTheEnvironment() {
        let avx2: [(name: String, enabled: Bool)] = [("AVX2", true), ("AVX512", false), ("REPACK", true)]
        let avx512: [(name: String, enabled: Bool)] = [("AVX2", true), ("AVX512", true), ("REPACK", true)]
        let avx: [(name: String, enabled: Bool)] = [("AVX", true), ("AVX2", false), ("AVX512", false), ("REPACK", true)]
        #expect(!WeightRepacking.decide(cpuFeatures: avx2, environment: [:]).isOn)
        #expect(WeightRepacking.decide(cpuFeatures: avx, environment: [:]).isOn)
        #expect(WeightRepacking.decide(cpuFeatures: avx2, environment: [:]).reason.hasPrefix("an AVX2 CPU"))
        #expect(!WeightRepacking.decide(cpuFeatures: avx512, environment: [:]).isOn)
        #expect(WeightRepacking.decide(cpuFeatures: avx512, environment: [:]).reason.hasPrefix("an AVX-512 CPU"))
        #expect(WeightRepacking.decide(cpuFeatures: [], environment: [:]).isOn)
        #expect(WeightRepacking.decide(cpuFeatures: avx512, environment: ["DOCQA_REPACK": "1"]).isOn)
        #expect(WeightRepacking.decide(cpuFeatures: avx2, environment: ["DOCQA_REPACK": "1"]).isOn)
        #expect(!WeightRepacking.decide(cpuFeatures: avx, environment: ["DOCQA_REPACK": "0"]).isOn)
        let ignored = WeightRepacking.decide(cpuFeatures: avx512, environment: ["DOCQA_REPACK": "yes"])
        #expect(!ignored.isOn && ignored.ignoredSetting == "yes")
        #expect(WeightRepacking.decide(cpuFeatures: avx512, environment: ["DOCQA_REPACK": "1"]).ignoredSetting == nil)
        #expect(WeightRepacking.decide(cpuFeatures: avx2, environment: [:]).ignoredSetting == nil)
    }

    /// A healthy folder gives no problems; a damaged model gives one that says to reinstall.
    @Test func diagnosisNamesProblemsAndWhatToDo() throws {
        let data = try TestFolder(), system = try TestFolder()
        let embedding = try writeFakeModel(system, "m.gguf", body: "embedding")
        let chat = try writeFakeModel(system, "q.gguf", body: "chat")
        try system.write("SHA256SUMS", "\(embedding)  m.gguf\n\(chat)  q.gguf\n")
        try system.write("models.tsv", [manifestHeader,
                                        manifestRow("minilm", "embedding", "m.gguf", isDefault: true),
                                        manifestRow("qwen", "chat", "q.gguf", isDefault: true)].joined(separator: "\n"))
        try FileManager.default.createDirectory(atPath: data.path + "/docqa", withIntermediateDirectories: true)
        let environment = ["XDG_DATA_HOME": data.path, "DOCQA_SYSTEM_MODELS": system.path]
        let locations = Locations(environment: environment)

        let healthy = Diagnosis(docqaVersion: "1.0", hash: true, locations: locations, environment: environment)
        let lacking = healthy.cpuFeatures.filter { $0.built && $0.cpuHas == false }
        #expect(lacking.isEmpty, "this machine runs the tests, so it has what llama.cpp uses")
        #expect(healthy.problems.isEmpty, "\(healthy.problems)")
        #expect(healthy.models.map(\.state) == [.verified, .verified])
        #expect(healthy.hashedBytes > 0)

        try system.write("q.gguf", "GGUF changed")
        let damaged = Diagnosis(docqaVersion: "1.0", hash: true, locations: locations,
                                environment: environment.merging(["DOCQA_THREADS": "many", "DOCQA_REPACK": "yes"]) { $1 })
        #expect(damaged.problems.count == 3, "\(damaged.problems)")
        #expect(damaged.problems.contains { $0.contains("DOCQA_REPACK is 'yes'") })
        #expect(damaged.problems.contains { $0.contains("q.gguf") && $0.contains("reinstall") })
        #expect(damaged.problems.contains { $0.contains("DOCQA_THREADS") })
    }
}
