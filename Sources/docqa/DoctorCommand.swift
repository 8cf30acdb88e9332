import ArgumentParser
import DocQA
import Foundation

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this installation: versions, model checksums, CPU features, threads and folders.",
        discussion: """
            Prints what support needs to know about this machine, and exits 1 when \
            something is broken, saying what to do. Checking the models reads every byte \
            of them (27 s for the default models on a busy 2-core machine); --no-hash checks \
            only that each file is there \
            and is a GGUF model.

            Example: docqa doctor --json > doctor.json
            """
    )

    @Flag(name: .customLong("no-hash"), help: "Do not compute the models' SHA-256 (much quicker).")
    var noHash = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let diagnosis = Diagnosis(docqaVersion: DocQACommand.configuration.version, hash: !noHash)
        print(json ? JSONOutput.render(Self.json(diagnosis)) : Self.text(diagnosis), terminator: json ? "\n" : "")
        if !diagnosis.problems.isEmpty {
            if json { diagnosis.problems.forEach { printError("docqa: doctor: \($0)") } }
            throw ExitCode.failure
        }
    }

    static func text(_ d: Diagnosis) -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        line("docqa \(d.versions.docqa)")
        line("  llama.cpp   \(d.versions.llama)\(d.versions.llamaPin.map { ", pin \($0)" } ?? "")")
        line("              \(d.versions.llamaLibrary ?? "(library path unknown)")")
        line("  SQLite      \(d.versions.sqlite)")
        line("  poppler     \(d.versions.poppler)")
        line("  Tesseract   \(d.versions.tesseract), English data \(d.ocrLanguageData ?? "not found")")
        line()
        line("Models (\(d.modelsDirectories.joined(separator: ", then "))):")
        for check in d.models {
            let mark = check.model.isDefault ? ", default" : ""
            let size = check.bytes.map { String(format: "%.0f MB", Double($0) / 1_000_000) } ?? "-"
            let state: String
            switch check.state {
            case .verified: state = String(format: "SHA-256 ok (%.1f s)", check.hashSeconds)
            case .present: state = "present, not hashed"
            default: state = check.state.rawValue.uppercased()
            }
            line("  \(check.model.name) (\(check.model.role.rawValue)\(mark))  \(size)  \(state)")
            line("      \(check.model.path)")
        }
        if d.hashed {
            line(String(format: "  hashing %.0f MB took %.1f s (--no-hash skips it)",
                        Double(d.hashedBytes) / 1_000_000, d.hashSeconds))
        }
        line()
        line("CPU: \(d.cpuModel ?? "unknown")")
        let built = d.cpuFeatures.filter(\.built).map { feature in
            feature.cpuHas == false ? "\(feature.name) (NOT ON THIS CPU)" : feature.name
        }
        line("  llama.cpp uses: \(built.isEmpty ? "(no report)" : built.joined(separator: " "))")
        let threads = d.threads
        line("  cores \(threads.cores); threads now \(threads.threads)"
             + (threads.fixed != nil ? " (DOCQA_THREADS=\(threads.environment ?? ""))"
                : " for indexing (follows the load: \(threads.otherLoad.map(String.init) ?? "unknown") other threads busy; "
                    + "DOCQA_THREADS=N fixes it); answers always use \(threads.cores), so that the load cannot change them"))
        line("  weight repacking \(d.weightRepacking.isOn ? "on" : "off") (\(d.weightRepacking.reason))")
        line()
        line("Folders:")
        line("  data     \(d.dataDirectory)")
        line("  indexes  \(d.indexesDirectory)")
        line("  models   \(d.modelsDirectories.joined(separator: ", "))")
        for note in d.notes { line("note: \(note)") }
        if d.problems.isEmpty {
            line()
            line("No problems found.")
        } else {
            line()
            for problem in d.problems { line("PROBLEM: \(problem)") }
        }
        return out
    }

    static func json(_ d: Diagnosis) -> JSON {
        // Typed apart: one literal this large is beyond the type checker's time limit.
        let ocrLanguageData: JSON = d.ocrLanguageData.map(JSON.string) ?? .null
        return .object([
            ("ok", .bool(d.problems.isEmpty)),
            ("versions", .object([
                ("docqa", .string(d.versions.docqa)),
                ("llama", .string(d.versions.llama)),
                ("llamaPin", d.versions.llamaPin.map(JSON.string) ?? .null),
                ("llamaLibrary", d.versions.llamaLibrary.map(JSON.string) ?? .null),
                ("sqlite", .string(d.versions.sqlite)),
                ("poppler", .string(d.versions.poppler)),
                ("tesseract", .string(d.versions.tesseract)),
            ])),
            ("ocrLanguageData", ocrLanguageData),
            ("models", .array(d.models.map { check in
                .object([
                    ("name", .string(check.model.name)),
                    ("role", .string(check.model.role.rawValue)),
                    ("default", .bool(check.model.isDefault)),
                    ("file", .string(check.model.path)),
                    ("bytes", check.bytes.map { .int(Int($0)) } ?? .null),
                    ("state", .string(check.state.rawValue)),
                    ("sha256", check.expectedSHA256.map(JSON.string) ?? .null),
                    ("actualSha256", check.actualSHA256.map(JSON.string) ?? .null),
                    ("hashSeconds", .double(check.hashSeconds)),
                ])
            })),
            ("hashed", .bool(d.hashed)),
            ("hashSeconds", .double(d.hashSeconds)),
            ("hashedBytes", .int(Int(d.hashedBytes))),
            ("cpu", .object([
                ("model", d.cpuModel.map(JSON.string) ?? .null),
                ("features", .array(d.cpuFeatures.map { feature in
                    .object([("name", .string(feature.name)), ("built", .bool(feature.built)),
                             ("cpuHas", feature.cpuHas.map(JSON.bool) ?? .null)])
                })),
            ])),
            ("threads", .object([
                ("cores", .int(d.threads.cores)),
                ("DOCQA_THREADS", d.threads.environment.map(JSON.string) ?? .null),
                ("fixed", JSON.optional(d.threads.fixed)),
                ("otherLoad", JSON.optional(d.threads.otherLoad)),
                ("threads", .int(d.threads.threads)),
            ])),
            ("weightRepacking", .object([
                ("on", .bool(d.weightRepacking.isOn)), ("reason", .string(d.weightRepacking.reason)),
            ])),
            ("folders", .object([
                ("data", .string(d.dataDirectory)),
                ("indexes", .string(d.indexesDirectory)),
                ("models", .array(d.modelsDirectories.map(JSON.string))),
            ])),
            ("problems", .array(d.problems.map(JSON.string))),
            ("notes", .array(d.notes.map(JSON.string))),
        ])
    }
}
