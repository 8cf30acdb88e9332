import Foundation

/// What `docqa doctor` reports, for support across the air gap: library versions, the
/// installed models and their checksums, the CPU instructions llama.cpp was built for
/// against the ones this CPU has, the thread settings, and the folders docqa uses.
/// `problems` says what is broken and what to do about each.
public struct Diagnosis: Sendable {
    /// The versions of docqa and of the libraries it loaded.
    public struct Versions: Sendable {
        public var docqa: String
        /// ggml's version and commit, from the loaded library.
        public var llama: String
        /// The pin recorded beside the loaded llama.cpp (nil when there is none).
        public var llamaPin: String?
        /// The libllama file that was loaded.
        public var llamaLibrary: String?
        public var sqlite: String
        public var poppler: String
        /// The Tesseract library's version (OCR of scanned PDF pages).
        public var tesseract: String
    }

    /// One feature of llama.cpp's CPU backend, and whether this CPU has it.
    public struct CPUFeature: Sendable {
        public var name: String
        /// Compiled into llama.cpp.
        public var built: Bool
        /// Whether this CPU has the instruction set; nil for build options (OPENMP,
        /// REPACK) and where /proc/cpuinfo cannot be read.
        public var cpuHas: Bool?
    }

    public var versions: Versions
    public var models: [ModelCheck]
    /// Whether models were hashed (false with `--no-hash`).
    public var hashed: Bool
    public var cpuModel: String?
    public var cpuFeatures: [CPUFeature]
    public var threads: ThreadSettings
    /// Whether llama.cpp repacks quantized weights at load, and why.
    public var weightRepacking: WeightRepacking
    public var dataDirectory: String
    public var modelsDirectories: [String]
    public var indexesDirectory: String
    /// Tesseract's English data (`eng.traineddata`) that OCR would load, nil when none is found.
    public var ocrLanguageData: String?
    /// Broken things, each one sentence ending in what to do. Empty when all is well.
    public var problems: [String]
    /// Things worth knowing that are not broken.
    public var notes: [String]

    /// Seconds spent hashing models, and the bytes hashed.
    public var hashSeconds: Double { models.reduce(0) { $0 + $1.hashSeconds } }
    public var hashedBytes: Int64 { models.filter { $0.actualSHA256 != nil }.reduce(0) { $0 + ($1.bytes ?? 0) } }

    /// llama.cpp's names for instruction sets → the flag `/proc/cpuinfo` shows for each.
    static let cpuinfoFlags: [String: String] = [
        "SSE3": "pni", "SSSE3": "ssse3", "AVX": "avx", "AVX2": "avx2", "AVX_VNNI": "avx_vnni",
        "F16C": "f16c", "FMA": "fma", "BMI2": "bmi2", "AVX512": "avx512f",
        "AVX512_VBMI": "avx512vbmi", "AVX512_VNNI": "avx512_vnni", "AVX512_BF16": "avx512_bf16",
        "AMX_INT8": "amx_int8",
    ]

    /// Gathers the report. Reads every byte of every installed model when `hash` is true
    /// (27 s for the 1.26 GB of default models before the search model joined them, on a
    /// busy 2-core machine), nothing of
    /// them otherwise.
    ///
    /// Not an error: whatever cannot be read becomes a problem or a nil field.
    public init(docqaVersion: String, hash: Bool, locations: Locations = Locations(),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        versions = Versions(docqa: docqaVersion, llama: LlamaLibrary.version, llamaPin: LlamaLibrary.pin,
                            llamaLibrary: LlamaLibrary.loadedFrom, sqlite: SQLiteLibrary.version,
                            poppler: PopplerLibrary.version, tesseract: TextRecognizer.version)
        hashed = hash
        dataDirectory = locations.dataDirectory
        modelsDirectories = locations.modelsDirectories
        indexesDirectory = locations.indexesDirectory
        threads = ThreadSettings.current(environment: environment)
        weightRepacking = WeightRepacking.decide(cpuFeatures: LlamaLibrary.cpuFeatures, environment: environment)
        var problems: [String] = []
        var notes: [String] = []

        let catalog = ModelCatalog(locations: locations)
        models = catalog.models.map { ModelCheck.check($0, hash: hash) }
        let reinstall = "reinstall it (apt install --reinstall ./docqa-models_*.deb, or bash Scripts/bootstrap)"
        for check in models {
            let what = "\(check.model.name) (\(check.model.path))"
            switch check.state {
            case .verified, .present: break
            case .unlisted:
                notes.append("\(what) has no line in its folder's SHA256SUMS, so its checksum cannot be checked.")
            case .missing:
                problems.append("\(what) is listed in models.tsv but the file is missing; \(reinstall).")
            case .mismatch:
                problems.append("\(what) does not match its SHA-256 in SHA256SUMS (the file is damaged or was replaced); \(reinstall).")
            case .notGGUF:
                problems.append("\(what) is not a GGUF model file; \(reinstall).")
            case .unreadable:
                problems.append("\(what) cannot be read; check its permissions, or \(reinstall).")
            }
        }
        for role in [ModelRole.embedding, .chat] where catalog.defaultModel(for: role) == nil {
            problems.append("no \(role.rawValue) model is listed in \(modelsDirectories.joined(separator: " or ")); install the docqa-models package, or run bash Scripts/bootstrap.")
        }
        if catalog.defaultModel(for: .search) == nil {
            notes.append("no search model is listed, so the chat model writes the sentence questions are also searched by (where their two searches disagree), which takes longer; bash Scripts/bootstrap installs one.")
        }

        let cpuinfo = CPUActivity.readSmallFile("/proc/cpuinfo")
        let flags = cpuinfo.flatMap(Self.flags(inCPUInfo:))
        cpuModel = cpuinfo.flatMap(Self.modelName(inCPUInfo:))
        cpuFeatures = LlamaLibrary.cpuFeatures.map { feature in
            let flag = Self.cpuinfoFlags[feature.name]
            return CPUFeature(name: feature.name, built: feature.enabled,
                              cpuHas: flag.flatMap { flag in flags.map { $0.contains(flag) } })
        }
        let lacking = cpuFeatures.filter { $0.built && $0.cpuHas == false }.map(\.name)
        if !lacking.isEmpty {
            problems.append("llama.cpp was built to use \(lacking.joined(separator: ", ")), which this CPU lacks, so docqa may stop with an illegal instruction; build docqa on this machine with Scripts/bootstrap, or ask for a package built for older CPUs.")
        }

        if threads.environmentIgnored {
            problems.append("DOCQA_THREADS is '\(threads.environment ?? "")', not a whole number, so docqa ignores it; set it to a number of threads such as 2, or unset it to follow the machine's load.")
        }
        if let setting = weightRepacking.ignoredSetting {
            problems.append("DOCQA_REPACK is '\(setting)', neither 1 nor 0, so docqa ignores it and weight repacking is \(weightRepacking.isOn ? "on" : "off") by the CPU rule; set it to 1 (on) or 0 (off), or unset it.")
        }
        if versions.llamaPin == nil {
            notes.append("no llama.cpp.pin beside \(versions.llamaLibrary ?? "libllama"): this llama.cpp was not installed by Scripts/bootstrap or the docqa package.")
        }

        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: dataDirectory, isDirectory: &isFolder) {
            if !isFolder.boolValue || !FileManager.default.isWritableFile(atPath: dataDirectory) {
                problems.append("the data folder \(dataDirectory) is not a folder you can write to, so named indexes cannot be made; fix its owner or permissions, or set XDG_DATA_HOME.")
            }
        } else {
            notes.append("the data folder \(dataDirectory) does not exist yet; docqa creates it when it first makes a named index.")
        }
        // The data package is a separate Debian package that nothing links to, so it can
        // be missing while docqa runs; scanned pages then fail their files.
        ocrLanguageData = TextRecognizer.dataPathCandidates(environment: environment)
            .map { ($0 as NSString).appendingPathComponent("eng.traineddata") }
            .first { FileManager.default.isReadableFile(atPath: $0) }
        if ocrLanguageData == nil {
            problems.append("Tesseract's English data (eng.traineddata) is in none of "
                + TextRecognizer.dataPathCandidates(environment: environment).joined(separator: ", ")
                + ", so scanned PDF pages cannot be read; install tesseract-ocr-eng (or set TESSDATA_PREFIX), or index with --ocr never.")
        }
        self.problems = problems
        self.notes = notes
    }

    /// The `flags` of the first processor in `/proc/cpuinfo`.
    static func flags(inCPUInfo text: String) -> Set<String>? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return nil }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    static func modelName(inCPUInfo text: String) -> String? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return nil }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
