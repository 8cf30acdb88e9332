import DocQATestSupport
import Foundation
import Testing

/// `docqa doctor`: argument parsing, and runs of the built binary against a models
/// folder made for the test (small files that start like GGUF models, with their
/// SHA256SUMS and models.tsv), so no real model is read.
@Suite("docqa doctor")
struct DoctorCommandTests {
    /// A data folder with no models and a system models folder holding two fake ones.
    struct Install {
        let folder: TestFolder
        var data: String { folder.file("data") }
        var system: String { folder.file("system-models") }

        init() throws {
            folder = try TestFolder()
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            var sums = ""
            var rows = ["name\trole\tinstall\tdefault\tfile\tbytes\tsha256\tsource\tdescription"]
            for (name, role, file) in [("minilm", "embedding", "m.gguf"), ("qwen", "chat", "q.gguf")] {
                let path = try folder.write("system-models/\(file)", "GGUF fake \(name) weights")
                sums += "\(try Self.sha256(path))  \(file)\n"
                rows.append("\(name)\t\(role)\tdefault\tyes\t\(file)\t22\t\(String(repeating: "0", count: 64))\twheel:x\t\(name)")
            }
            try folder.write("system-models/SHA256SUMS", sums)
            try folder.write("system-models/models.tsv", rows.joined(separator: "\n") + "\n")
        }

        static func sha256(_ path: String) throws -> String {
            let out = Pipe()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            process.arguments = [path]
            process.standardOutput = out
            try process.run()
            process.waitUntilExit()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            return String(text.prefix(64))
        }

        /// Runs `docqa doctor` with this install's folders (and `extra` variables).
        func doctor(_ arguments: [String], extra: [String] = []) async throws -> CommandResult {
            try await ChildProcess.run("/usr/bin/env",
                                       ["-u", "DOCQA_THREADS", "XDG_DATA_HOME=\(data)", "DOCQA_SYSTEM_MODELS=\(system)"]
                                           + extra + [try DocQABinary.path(), "doctor"] + arguments,
                                       in: folder)
        }
    }

    /// `doctor --help` shows the command's options; an unknown option is a usage error (64).
    @Test func argumentsAreParsed() async throws {
        let folder = try TestFolder()
        let help = try await ChildProcess.docqa(["doctor", "--help"], in: folder)
        #expect(help.status == 0, "\(help)")
        #expect(help.stdout.contains("--no-hash") && help.stdout.contains("--json"), "\(help)")
        let wrong = try await ChildProcess.docqa(["doctor", "--fix"], in: folder)
        #expect(wrong.status == 64, "\(wrong)")
    }

    /// A healthy install: exit 0, JSON with the versions, both models verified against
    /// SHA256SUMS (from the system folder), CPU features, threads and folders.
    @Test func healthyInstallIsReported() async throws {
        let install = try Install()
        let result = try await install.doctor(["--json"])
        #expect(result.status == 0, "\(result)")
        let report = try jsonObject(result.stdout)
        #expect(report["ok"] as? Bool == true, "\(result)")
        let versions = try #require(report["versions"] as? [String: Any])
        #expect(versions["docqa"] as? String == "0.1.0")
        for library in ["llama", "sqlite", "poppler", "tesseract"] {
            #expect((versions[library] as? String)?.isEmpty == false, "\(library): \(result)")
        }
        #expect((report["ocrLanguageData"] as? String)?.hasSuffix("/eng.traineddata") == true, "\(result)")
        #expect((versions["llamaLibrary"] as? String)?.contains("libllama.so") == true, "\(result)")
        let models = try jsonObjects(report, "models")
        #expect(models.map { $0["state"] as? String } == ["verified", "verified"], "\(result)")
        #expect(models.allSatisfy { ($0["file"] as? String)?.hasPrefix(install.system) == true }, "\(result)")
        let cpu = try #require(report["cpu"] as? [String: Any])
        #expect(!((cpu["features"] as? [Any]) ?? []).isEmpty, "\(result)")
        let threads = try #require(report["threads"] as? [String: Any])
        #expect((threads["cores"] as? Int ?? 0) >= 1 && (threads["threads"] as? Int ?? 0) >= 1, "\(result)")
        let folders = try #require(report["folders"] as? [String: Any])
        #expect(folders["models"] as? [String] == [install.data + "/docqa/models", install.system], "\(result)")

        let text = try await install.doctor(["--no-hash"])
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("present, not hashed") && text.stdout.contains("No problems found."), "\(text)")
    }

    /// A damaged model and a DOCQA_THREADS that is not a number: exit 1, each problem
    /// named with what to do, on stdout as text and on stderr with --json.
    @Test func brokenInstallExitsNonZeroSayingWhatToDo() async throws {
        let install = try Install()
        try install.folder.write("system-models/q.gguf", "GGUF damaged")
        let text = try await install.doctor([], extra: ["DOCQA_THREADS=lots"])
        #expect(text.status == 1, "\(text)")
        #expect(text.stdout.contains("PROBLEM: qwen (\(install.system)/q.gguf) does not match its SHA-256"), "\(text)")
        #expect(text.stdout.contains("reinstall it (apt install --reinstall ./docqa-models_*.deb"), "\(text)")
        #expect(text.stdout.contains("PROBLEM: DOCQA_THREADS is 'lots'"), "\(text)")

        let json = try await install.doctor(["--json", "--no-hash"])
        #expect(json.status == 0, "without hashing the damage is not seen: \(json)")
        try FileManager.default.removeItem(atPath: install.system + "/m.gguf")
        let missing = try await install.doctor(["--json", "--no-hash"])
        #expect(missing.status == 1, "\(missing)")
        let report = try jsonObject(missing.stdout)
        #expect(report["ok"] as? Bool == false)
        #expect(missing.stderr.contains("docqa: doctor: minilm (\(install.system)/m.gguf) is listed in models.tsv but the file is missing"), "\(missing)")
    }
}
