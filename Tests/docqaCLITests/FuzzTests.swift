import DocQATestSupport
import Foundation
import Testing

extension ModelBackedTests {
    /// The short variant of Scripts/fuzz: a fixed-seed batch of mutated sample documents
    /// indexed with the built `docqa` and the real embedding model.
    @Suite("docqa fuzzing")
    struct FuzzTests {
        /// 30 seeded mutants of the sample case file (bit flips, overwritten byte runs,
        /// truncation, duplicated and deleted chunks, re-zipped .docx entries, damaged .eml
        /// headers and boundaries) indexed in one run: docqa exits 0 or 1, never by a signal
        /// or the time limit; every mutant ends indexed, skipped or failed with a reason in
        /// `status --json`; and the index passes PRAGMA integrity_check. The script checks
        /// each rule; a break saves the batch in the findings folder and fails the run.
        @Test func mutatedDocumentsNeverCrashIndexing() async throws {
            try DefaultModels.require()
            let folder = try TestFolder()
            let findings = folder.file("findings")
            let result = try await ChildProcess.run(
                "/usr/bin/env",
                ["DOCQA_FUZZ_DOCQA=\(try DocQABinary.path())", "TMPDIR=\(folder.path)", "bash",
                 Repository.root + "/Scripts/fuzz", "--seed", "8", "--cases", "30", "--batch", "30",
                 "--findings", findings],
                in: folder, timeout: ChildProcess.modelTimeout)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("fuzz: done, seed 8: 30 mutants, 1 batches"), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: findings), "findings were saved: \(result)")
        }
    }
}
