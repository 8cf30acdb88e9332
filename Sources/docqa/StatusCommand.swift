import ArgumentParser
import DocQA
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what an index holds, which files could not be indexed, and which embedding model built it.",
        discussion: """
            Lists the indexed documents, PDF pages with text drawn white or tiny (under 2 \
            points), then every file the last runs skipped or could not \
            index, with the reason and since when. A document marked stale is an earlier \
            version of a file that has since failed: it is still searched, but no longer \
            matches the file.

            Example: docqa status --index acme
            """
    )

    @OptionGroup var indexOptions: IndexOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        try reportingErrors {
            let store = try openExistingIndex(indexOptions)
            let documents = try store.documents()
            let problems = try store.fileStates(problemsOnly: true)
            let model = try store.embeddingModel()
            let ocrPages = try store.ocrPages()
            let hiddenPages = try store.hiddenTextPages()
            if json {
                print(JSONOutput.render(JSONOutput.status(store: store, documents: documents, problems: problems,
                                                          model: model, ocrPages: ocrPages, hiddenTextPages: hiddenPages)))
                return
            }
            let ocrCounts = Dictionary(grouping: ocrPages, by: \.path).mapValues(\.count)
            let stalePaths = Set(problems.filter(\.isStale).map(\.path))
            print("Index: \(printablePath(store.path))")
            print("Embedding model: \(model.map { "\(terminalSafe($0.name)) (\($0.dimension) dimensions)" } ?? "none yet")")
            print("\(documents.count) documents, \(documents.reduce(0) { $0 + $1.chunkCount }) chunks")
            for document in documents {
                var pages = document.pageCount.map { "\($0) pages, " } ?? ""
                if let read = ocrCounts[document.path] { pages += "\(read) read by OCR, " }
                let older = document.pipeline < Indexer.pipelineVersion ? "; indexed by an older docqa" : ""
                let stale = stalePaths.contains(document.path) ? "; stale: the file has changed and could not be indexed again" : ""
                print("  \(printablePath(document.path)) (\(pages)\(document.chunkCount) chunks\(older)\(stale))")
            }
            let older = documents.filter { $0.pipeline < Indexer.pipelineVersion }.count
            if older > 0 {
                print("\(older) documents were indexed by an older docqa; run `docqa index` on their folders "
                      + "to index them again with document titles and section headings.")
            }
            let poorlyRead = ocrPages.filter { $0.confidence < IndexStore.ocrConfidenceFloor }
            if !poorlyRead.isEmpty {
                print("\(poorlyRead.count) pages read by OCR with low confidence (under \(IndexStore.ocrConfidenceFloor) of 100); "
                      + "their text may be garbled, so check answers against the page or rescan it:")
                for page in poorlyRead {
                    print("  \(printablePath(page.path)):\(page.page) (confidence \(page.confidence))")
                }
            }
            if !hiddenPages.isEmpty {
                let pages = hiddenPages.count == 1 ? "1 PDF page holds" : "\(hiddenPages.count) PDF pages hold"
                print("\(pages) text drawn white or tiny (under \(Int(HiddenTextCount.tinyFontSize)) points), "
                      + "which is invisible when printed but is read, searched and can reach answers; check these pages:")
                for page in hiddenPages {
                    print("  \(printablePath(page.path)):\(page.page) (\(page.count.white) white, \(page.count.tiny) tiny characters)")
                }
            }
            let unchecked = documents.filter { $0.format == .pdf && !$0.isCheckedForHiddenText }
            if !unchecked.isEmpty {
                let attached = unchecked.filter { Indexer.messagePath(ofAttachment: $0.path) != nil }.count
                print((unchecked.count == 1 ? "1 PDF was" : "\(unchecked.count) PDFs were")
                      + " indexed before docqa checked for white or tiny text; "
                      + "`docqa index` on their folders checks them without embedding them again"
                      + (attached > 0 ? " (\(attached) attached to e-mails: when their message next changes)." : "."))
            }
            guard !problems.isEmpty else { return }
            let skipped = problems.filter { $0.kind == .skipped }.count
            print("\(problems.count) files not indexed (\(skipped) skipped, \(problems.count - skipped) failed); "
                  + "fix them and run `docqa index` again:")
            for state in problems {
                let label = state.kind == .skipped ? "skipped" : "failed "
                let since = JSONOutput.timestamp(state.recordedAt)
                let stale = state.isStale ? "; its earlier version is still searched (stale)" : ""
                print("  \(label) \(printablePath(state.path)): \(terminalSafe(state.reason ?? "")) (since \(since)\(stale))")
            }
        }
    }
}
