import DocQATestSupport
import Foundation
import Testing

/// Scripts/bootstrap installing models from its manifest, run for real (`--models-only`) on a
/// small fake manifest and fake wheels built in a temporary folder. The script's test hooks
/// point it there: DOCQA_MODELS_MANIFEST names the manifest and DOCQA_WHEELHOUSE makes pip take
/// every wheel from a local folder (`--no-index --find-links`), so no test reaches the network.
/// XDG_DATA_HOME and XDG_CACHE_HOME are temporary too, so the real models are untouched.
@Suite("Scripts/bootstrap installs models")
struct ModelInstallTests {
    /// A model split over three wheels, as the large chat models are on PyPI.
    static let chat = FakeModel(name: "fake-chat", role: "chat", install: "default", isDefault: true,
                                file: "Fake-Chat.Q4_K_M.gguf", package: "fake-chat-part", version: "1.0",
                                partSizes: [3000, 3000, 1234])
    /// An optional model in a single wheel.
    static let extra = FakeModel(name: "fake-extra", role: "chat", install: "optional", isDefault: false,
                                 file: "Fake-Extra.gguf", package: "fake-extra", version: "2.0", partSizes: [777])

    /// (a) A good multi-part model installs with exactly the joined bytes and is listed in
    /// the models folder's models.tsv and SHA256SUMS; (d) a second run, with the wheelhouse
    /// gone, is a no-op: it exits 0, hashes and downloads nothing, and leaves every file as it was.
    @Test func multiPartModelInstallsAndSecondRunIsANoOp() async throws {
        let setup = try Setup()
        let chat = try setup.build(Self.chat)
        let extra = try setup.build(Self.extra)
        try setup.writeManifest([chat.row, extra.row])

        let first = try await setup.bootstrap()
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr.isEmpty, "\(first)")
        #expect(first.stdout.contains("fake-chat: joining 3 parts"), "\(first)")
        #expect(FileManager.default.contents(atPath: setup.model(chat)) == chat.bytes, "installed bytes differ")
        #expect(try setup.installedList() == ModelRow.header + "\n" + chat.row + "\n", "\(first)")
        #expect(try setup.checksums() == "\(chat.sha256)  \(chat.model.file)\n", "\(first)")
        #expect(!FileManager.default.fileExists(atPath: setup.model(extra)), "an optional model was installed unasked")
        try #require(try setup.modelsFolderContents() == ["Fake-Chat.Q4_K_M.gguf", "SHA256SUMS", "models.tsv"])

        // Second run: every download would now fail, and nothing may change.
        let before = try setup.snapshot()
        try FileManager.default.removeItem(atPath: setup.wheelhouse)
        let second = try await setup.bootstrap()
        #expect(second.status == 0, "\(second)")
        #expect(second.stderr.isEmpty, "\(second)")
        let unchanged = "fake-chat: \(setup.model(chat)) (SHA-256 verified before, file unchanged since)"
        #expect(second.stdout.contains(unchanged), "\(second)")
        #expect(!second.stdout.contains("installing"), "\(second)")
        #expect(try setup.snapshot() == before, "the second run changed files")
    }

    /// (b) When the joined parts do not have the manifest's SHA-256, the run exits 1 with one
    /// line naming the model, and nothing is left under the model's name (nor a half file).
    @Test func assembledChecksumMismatchFailsAndInstallsNothing() async throws {
        let setup = try Setup()
        var chat = try setup.build(Self.chat)
        chat.sha256 = String(chat.sha256.reversed())
        try setup.writeManifest([chat.row])

        let result = try await setup.bootstrap()
        #expect(result.status == 1, "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        let sentence = "bootstrap: error: fake-chat: the assembled Fake-Chat.Q4_K_M.gguf has SHA-256 "
        #expect(result.stderr.hasPrefix(sentence), "\(result)")
        #expect(result.stderr.contains("expected \(chat.sha256): not installed."), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: setup.model(chat)), "a file was left under the final name")
        #expect(try setup.modelsFolderContents() == [], "the models folder is not empty")
    }

    /// A part that is missing from the index, or whose wheel is not the pinned one.
    enum BadPart: String, CaseIterable, CustomTestStringConvertible {
        case missing, tampered
        var testDescription: String { rawValue }
    }

    /// (c) A missing or tampered part fails with exit 1 and one line naming that part (its
    /// number, the model and the package), and installs nothing.
    @Test(arguments: BadPart.allCases)
    func badPartFailsNamingThePart(_ bad: BadPart) async throws {
        let setup = try Setup()
        let chat = try setup.build(Self.chat)
        try setup.writeManifest([chat.row])
        let wheel = chat.wheelPaths[1]
        switch bad {
        case .missing:
            try FileManager.default.removeItem(atPath: wheel)
        case .tampered:
            // Another wheel of the same name and version: pip takes it, the pin refuses it.
            try FileManager.default.removeItem(atPath: wheel)
            let member = "fake_chat_part2/data/part02.bin"
            _ = try setup.buildWheel(package: "fake-chat-part2", version: "1.0", member: member,
                                     content: Data(repeating: 7, count: 3000))
        }

        let result = try await setup.bootstrap()
        #expect(result.status == 1, "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        let part = "part 2 of 3 of fake-chat (fake-chat-part2==1.0)"
        switch bad {
        case .missing:
            #expect(result.stderr.hasPrefix("bootstrap: error: could not get \(part) from the wheelhouse "),
                    "\(result)")
            #expect(result.stderr.contains("No matching distribution found for fake-chat-part2==1.0"), "\(result)")
        case .tampered:
            #expect(result.stderr.hasPrefix("bootstrap: error: \(part) from the wheelhouse "), "\(result)")
            #expect(result.stderr.contains(", expected \(chat.wheelSHA256s[1]): refusing to use it."), "\(result)")
        }
        #expect(!FileManager.default.fileExists(atPath: setup.model(chat)), "a file was left under the final name")
        #expect(try setup.modelsFolderContents() == [], "the models folder is not empty")
    }

    /// `--model NAME` adds an optional model, listed after the default one in manifest order,
    /// and a later plain run keeps it listed; an unknown name fails with one line.
    @Test func optionalModelOnRequest() async throws {
        let setup = try Setup()
        let chat = try setup.build(Self.chat)
        let extra = try setup.build(Self.extra)
        try setup.writeManifest([chat.row, extra.row])

        let unknown = try await setup.bootstrap(["--model", "fake-missing"])
        #expect(unknown.status == 1, "\(unknown)")
        #expect(unknown.stderrLines == [
            "bootstrap: error: there is no model called 'fake-missing'; the models are: fake-chat fake-extra.",
        ], "\(unknown)")

        let result = try await setup.bootstrap(["--model", "fake-extra"])
        #expect(result.status == 0, "\(result)")
        #expect(FileManager.default.contents(atPath: setup.model(extra)) == extra.bytes, "installed bytes differ")
        let listing = ModelRow.header + "\n" + chat.row + "\n" + extra.row + "\n"
        #expect(try setup.installedList() == listing, "\(result)")
        #expect(try setup.checksums() == "\(chat.sha256)  \(chat.model.file)\n\(extra.sha256)  \(extra.model.file)\n")

        let again = try await setup.bootstrap()
        #expect(again.status == 0, "\(again)")
        #expect(try setup.installedList() == listing, "a plain run dropped the optional model: \(again)")
    }

    /// A model file changed after it was installed is noticed although its size stays the
    /// same, and is put back from the downloads cache without the wheelhouse.
    @Test func changedModelFileIsReplaced() async throws {
        let setup = try Setup()
        let chat = try setup.build(Self.chat)
        try setup.writeManifest([chat.row])
        let first = try await setup.bootstrap()
        try #require(first.status == 0, "\(first)")

        var damaged = chat.bytes
        damaged[100] ^= 0xFF
        try damaged.write(to: URL(fileURLWithPath: setup.model(chat)))
        try FileManager.default.removeItem(atPath: setup.wheelhouse)

        let result = try await setup.bootstrap()
        #expect(result.status == 0, "\(result)")
        let noticed = "fake-chat: \(setup.model(chat)) does not match its SHA-256; installing it again"
        #expect(result.stdout.contains(noticed), "\(result)")
        #expect(FileManager.default.contents(atPath: setup.model(chat)) == chat.bytes, "the file was not replaced")
    }
}

extension ModelInstallTests {
    /// One model of a fake manifest; its parts are random bytes of the given sizes.
    struct FakeModel {
        var name: String
        var role: String
        var install: String
        var isDefault: Bool
        var file: String
        /// The PyPI name: with several parts, part N is `\(package)N`.
        var package: String
        var version: String
        var partSizes: [Int]

        /// The wheel's import name, as its folder inside the wheel.
        var module: String { package.replacingOccurrences(of: "-", with: "_") }
    }

    /// A fake model whose wheels are built: its bytes, checksums and manifest row.
    struct ModelRow {
        static let header = ["name", "role", "install", "default", "file", "bytes", "sha256", "source", "description"]
            .joined(separator: "\t")

        var model: FakeModel
        var bytes: Data
        var sha256: String
        var wheelPaths: [String]
        var wheelSHA256s: [String]

        var row: String {
            let source: String
            if model.partSizes.count == 1 {
                source = "wheel:\(model.package)==\(model.version):\(wheelSHA256s[0]):\(model.module)/data/model.bin"
            } else {
                source = "parts:\(model.package){n}==\(model.version):\(model.module){n}/data/part{nn}.bin:"
                    + wheelSHA256s.joined(separator: ",")
            }
            return [model.name, model.role, model.install, model.isDefault ? "yes" : "no", model.file,
                    String(bytes.count), sha256, source, "A fake model for tests"].joined(separator: "\t")
        }
    }

    /// A temporary wheelhouse, manifest and XDG folders, and the bootstrap run against them.
    final class Setup {
        let folder: TestFolder
        var wheelhouse: String { folder.file("wheelhouse") }
        var manifest: String { folder.file("models.tsv") }
        var modelsFolder: String { folder.file("data/docqa/models") }
        var downloads: String { folder.file("cache/docqa/downloads") }

        init() throws {
            folder = try TestFolder()
            try FileManager.default.createDirectory(atPath: wheelhouse, withIntermediateDirectories: true)
            try folder.write("make-wheel.py", Self.makeWheel)
        }

        func model(_ row: ModelRow) -> String { modelsFolder + "/" + row.model.file }

        /// Builds the model's wheels into the wheelhouse with /usr/bin/python3's zipfile.
        func build(_ model: FakeModel) throws -> ModelRow {
            var bytes = Data()
            var paths: [String] = []
            var sums: [String] = []
            for (index, size) in model.partSizes.enumerated() {
                let part = Data((0..<size).map { _ in UInt8.random(in: 0...255) })
                bytes.append(part)
                let number = index + 1
                let single = model.partSizes.count == 1
                let package = single ? model.package : model.package + String(number)
                let member = single ? "\(model.module)/data/model.bin"
                    : "\(model.module)\(number)/data/part\(String(format: "%02d", number)).bin"
                let wheel = try buildWheel(package: package, version: model.version, member: member, content: part)
                sums.append(wheel.sha256)
                paths.append(wheel.path)
            }
            let hash = "import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())"
            let sha = try run("/usr/bin/python3", ["-c", hash], input: bytes)
            return ModelRow(model: model, bytes: bytes, sha256: sha, wheelPaths: paths, wheelSHA256s: sums)
        }

        /// Builds one wheel holding `content` as `member`; returns its SHA-256 and path.
        func buildWheel(package: String, version: String, member: String,
                        content: Data) throws -> (sha256: String, path: String) {
            let contentPath = folder.file("part-\(UUID().uuidString).bin")
            try content.write(to: URL(fileURLWithPath: contentPath))
            let made = try run("/usr/bin/python3", [folder.file("make-wheel.py"), wheelhouse, package, version,
                                                    member, contentPath])
            let fields = made.split(separator: " ").map(String.init)
            guard fields.count == 2 else { throw SetupError("make-wheel.py printed: \(made)") }
            return (fields[0], fields[1])
        }

        func writeManifest(_ rows: [String]) throws {
            try folder.write("models.tsv", ([ModelRow.header] + rows).joined(separator: "\n") + "\n")
        }

        /// Runs `bash Scripts/bootstrap --models-only` with the test hooks and temporary folders.
        func bootstrap(_ arguments: [String] = []) async throws -> CommandResult {
            let environment = [
                "XDG_DATA_HOME=\(folder.file("data"))",
                "XDG_CACHE_HOME=\(folder.file("cache"))",
                "DOCQA_MODELS_MANIFEST=\(manifest)",
                "DOCQA_WHEELHOUSE=\(wheelhouse)",
                // No pip configuration file may add an index; pip asks nothing.
                "PIP_CONFIG_FILE=/dev/null",
                "PIP_NO_INPUT=1",
            ]
            let script = Repository.root + "/Scripts/bootstrap"
            return try await ChildProcess.run("/usr/bin/env",
                                              environment + ["bash", script, "--models-only"] + arguments,
                                              in: folder, timeout: .seconds(180))
        }

        func installedList() throws -> String {
            try String(contentsOfFile: modelsFolder + "/models.tsv", encoding: .utf8)
        }
        func checksums() throws -> String { try String(contentsOfFile: modelsFolder + "/SHA256SUMS", encoding: .utf8) }

        /// The models folder's names, or none when it does not exist.
        func modelsFolderContents() throws -> [String] {
            guard FileManager.default.fileExists(atPath: modelsFolder) else { return [] }
            return try FileManager.default.contentsOfDirectory(atPath: modelsFolder).sorted()
        }

        /// Every file in the models folder and the downloads cache: name, inode, size, mtime.
        func snapshot() throws -> [String] {
            var entries: [String] = []
            for base in [modelsFolder, downloads] {
                for name in try FileManager.default.contentsOfDirectory(atPath: base).sorted() {
                    let attributes = try FileManager.default.attributesOfItem(atPath: base + "/" + name)
                    let inode = attributes[.systemFileNumber] as? Int ?? -1
                    let size = attributes[.size] as? Int ?? -1
                    let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
                    entries.append("\(base)/\(name) \(inode) \(size) \(modified)")
                }
            }
            return entries
        }

        /// Runs a helper to completion and returns its stdout, trimmed; throws unless it exits 0.
        private func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let output = folder.file(".helper-\(UUID().uuidString)")
            guard FileManager.default.createFile(atPath: output, contents: nil) else {
                throw SetupError("Could not create \(output).")
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            defer { try? handle.close() }
            process.standardOutput = handle
            if let input {
                let inputPath = folder.file(".input-\(UUID().uuidString)")
                try input.write(to: URL(fileURLWithPath: inputPath))
                process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
            } else {
                process.standardInput = FileHandle.nullDevice
            }
            try process.run()
            process.waitUntilExit()
            let text = try String(contentsOfFile: output, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard process.terminationStatus == 0 else {
                let command = ([executable] + arguments).joined(separator: " ")
                throw SetupError("\(command) exited with \(process.terminationStatus): \(text)")
            }
            return text
        }

        /// Writes one wheel that pip accepts (METADATA, WHEEL, RECORD) holding one file; prints
        /// the wheel's SHA-256 and path. Arguments: folder, name, version, member, content file.
        static let makeWheel = #"""
            import base64, hashlib, sys, zipfile
            folder, name, version, member, content = sys.argv[1:]
            module = name.replace("-", "_")
            info = f"{module}-{version}.dist-info"
            files = {
                member: open(content, "rb").read(),
                f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
                f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: docqa-tests\n"
                                 b"Root-Is-Purelib: true\nTag: py3-none-any\n",
            }
            def digest(data):
                return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record = "".join(f"{path},sha256={digest(data)},{len(data)}\n" for path, data in files.items())
            files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
            path = f"{folder}/{module}-{version}-py3-none-any.whl"
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
                for name_in_wheel, data in files.items():
                    wheel.writestr(name_in_wheel, data)
            print(hashlib.sha256(open(path, "rb").read()).hexdigest(), path)
            """#
    }
}
