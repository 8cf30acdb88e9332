import ArgumentParser
import DocQA
import Foundation

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the installed models: name, role, size and SHA-256.",
        discussion: """
            Models are installed by Scripts/bootstrap into the data directory's models/ \
            folder; `--model NAME` and `--embedding-model NAME` accept the names listed here, \
            or a path to any GGUF file. Install an optional model with \
            `bash Scripts/bootstrap --model NAME`.

            Example: docqa models --verify
            """
    )

    @Flag(help: "Recompute each file's SHA-256 and compare it with the pinned one (reads every byte).")
    var verify = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        try reportingErrors {
            let catalog = ModelCatalog()
            var rows: [(model: InstalledModel, size: Int64?, verified: Bool?)] = []
            for model in catalog.models {
                let attributes = try? FileManager.default.attributesOfItem(atPath: model.path)
                let size = (attributes?[.size] as? NSNumber)?.int64Value
                var verified: Bool?
                if verify, size != nil, let pinned = model.sha256 {
                    verified = (try? SHA256.hex(ofFileAt: model.path)) == pinned
                }
                rows.append((model, size, verified))
            }
            if json {
                print(JSONOutput.render(.object([
                    ("folder", .string(catalog.folder)),
                    ("models", .array(rows.map { row in
                        .object([
                            ("name", .string(row.model.name)),
                            ("role", .string(row.model.role.rawValue)),
                            ("default", .bool(row.model.isDefault)),
                            ("file", .string(row.model.path)),
                            ("installed", .bool(row.size != nil)),
                            ("bytes", row.size.map { .int(Int($0)) } ?? .null),
                            ("sha256", row.model.sha256.map(JSON.string) ?? .null),
                            ("verified", row.verified.map(JSON.bool) ?? .null),
                            ("description", .string(row.model.description)),
                        ])
                    })),
                ])))
            } else {
                print("Models in \(catalog.folders.joined(separator: ", then ")):")
                for row in rows {
                    let mark = row.model.isDefault ? " (default)" : ""
                    let size = row.size.map { String(format: "%.0f MB", Double($0) / 1_000_000) } ?? "not installed"
                    print("  \(row.model.name)  \(row.model.role.rawValue)\(mark)  \(size)  \(row.model.fileName)")
                    if !row.model.description.isEmpty { print("      \(row.model.description)") }
                    if let sha = row.model.sha256 {
                        let state = row.verified.map { $0 ? "verified" : "MISMATCH: reinstall with Scripts/bootstrap" } ?? "pinned"
                        print("      sha256 \(sha) (\(state))")
                    }
                }
            }
            if rows.contains(where: { $0.verified == false }) { throw ExitCode.failure }
        }
    }
}
