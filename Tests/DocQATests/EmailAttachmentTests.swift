@testable import DocQA
import DocQATestSupport
import Foundation
import Testing

/// A message with a text body and the given attachments (name, MIME type, bytes).
private func message(attachments: [(String, String, Data)]) -> String {
    var text = """
        From: clerk@example.com\r
        To: counsel@example.com\r
        Subject: Exhibits\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="XYZ"\r
        \r
        --XYZ\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        Exhibits attached for the Corvane file.\r

        """
    for (name, type, data) in attachments {
        text += "--XYZ\r\nContent-Type: \(type)\r\nContent-Disposition: attachment; filename=\"\(name)\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n\(data.base64EncodedString(options: .lineLength76Characters))\r\n"
    }
    return text + "--XYZ--\r\n"
}

@Suite("Email attachments", .serialized)
struct EmailAttachmentTests {
    /// An attachment's path is its message's path, " › " and its name; only `.eml` paths
    /// hold attachments.
    @Test func attachmentPathsNameTheirMessage() {
        let path = Indexer.attachmentPath(message: "/case/offer.eml", name: "contract.pdf")
        #expect(path == "/case/offer.eml › contract.pdf")
        #expect(Indexer.messagePath(ofAttachment: path) == "/case/offer.eml")
        #expect(Indexer.messagePath(ofAttachment: "/case/offer.eml") == nil)
        #expect(Indexer.messagePath(ofAttachment: "/case/notes › draft.txt") == nil)
    }

    /// Readable attachments are listed with unique names and readers chosen by extension
    /// or type; an image is not.
    @Test func readableAttachmentsAreListed() throws {
        let folder = try TestFolder()
        let path = try folder.write("m.eml", message(attachments: [
            ("a.txt", "text/plain", Data("one".utf8)), ("a.txt", "text/plain", Data("two".utf8)),
            ("photo.png", "image/png", Data([0x89, 0x50])), ("scan", "application/pdf", Data("%PDF".utf8)),
        ]))
        let attachments = try EmailReader.attachments(ofMessageAt: path)
        #expect(attachments.map(\.name) == ["a.txt", "a (2).txt", "scan.pdf"])
        #expect(attachments.map(\.fileExtension) == ["txt", "txt", "pdf"])
        #expect(attachments[1].data == Data("two".utf8))
    }

    /// End to end: a PDF attached to a message is indexed as its own document and search
    /// cites it as `message.eml › report.pdf` with its page; an unchanged message leaves
    /// it alone, a renamed message takes it along, and removing or deleting the message
    /// removes it. A damaged attachment fails on its own; the message is still indexed.
    @Test func attachmentsFollowTheirMessage() throws {
        let folder = try TestFolder()
        let mail = folder.file("mail")
        try FileManager.default.createDirectory(atPath: mail, withIntermediateDirectories: true)
        let pdf = try Data(contentsOf: URL(fileURLWithPath: fixture("three-pages.pdf")))
        let damaged = try Data(contentsOf: URL(fileURLWithPath: fixture("damaged.pdf")))
        let original = mail + "/exhibits.eml"
        try message(attachments: [("report.pdf", "application/pdf", pdf), ("broken.pdf", "application/pdf", damaged)])
            .write(toFile: original, atomically: true, encoding: .utf8)
        let store = try IndexStore(path: folder.file("index.sqlite"), create: true)
        let indexer = try Indexer(store: store, embedder: Embedder(modelPath: TestModels.embeddingModelPath))

        let first = try indexer.index(paths: [mail])
        let report = original + " › report.pdf", broken = original + " › broken.pdf"
        #expect(first.indexedCount == 2)
        #expect(first.failures.map(\.code) == [.damagedPDF] && first.failures.first?.path == broken)
        #expect(try store.documents().map(\.path) == [original, report])
        #expect(try store.fileState(atPath: broken)?.kind == .failed)
        let retriever = Retriever(store: store, embedder: try Embedder(modelPath: TestModels.embeddingModelPath))
        let hit = try #require(try retriever.retrieve("bravo-marker", limit: 1).first?.chunk)
        // The fixture's pages are a line each, so they share a chunk that spans them.
        #expect(hit.path == report && (hit.pageStart ?? 0) <= 2 && 2 <= (hit.pageEnd ?? 0))

        let second = try indexer.index(paths: [mail])
        #expect(second.unchangedCount == 1 && second.indexedCount == 0 && second.removedCount == 0)
        #expect(try store.documents().map(\.path) == [original, report])
        #expect(try store.fileState(atPath: broken)?.kind == .failed)

        let renamed = mail + "/renamed.eml"
        try FileManager.default.moveItem(atPath: original, toPath: renamed)
        let third = try indexer.index(paths: [mail])
        #expect(third.renamedCount == 1 && third.removedCount == 0)
        #expect(try store.documents().map(\.path) == [renamed, renamed + " › report.pdf"])
        #expect(try store.fileStates().allSatisfy { !$0.path.hasPrefix(original) })

        let removal = try store.removeDocuments(under: [renamed])
        #expect(removal.documents == [renamed, renamed + " › report.pdf"])
        _ = try indexer.index(paths: [mail])
        #expect(try store.counts().documents == 2)
        try FileManager.default.removeItem(atPath: renamed)
        let last = try indexer.index(paths: [mail])
        #expect(last.removedCount == 2)
        #expect(try store.counts().documents == 0)
        #expect(try store.fileStates().isEmpty)
    }

    /// Read in process (no reader process), an attached scan is read with OCR under the
    /// indexer's policy like a PDF on disk: each page is announced under the attachment's
    /// indexed path, never the temporary file it was unpacked to, and its OCR'd page is
    /// recorded under that path. Under `--ocr never` it is indexed with its stamp only.
    @Test func attachedScanIsReadWithOCRInProcess() throws {
        let folder = try TestFolder()
        let scan = try Data(contentsOf: URL(fileURLWithPath: fixture("stamped-scan.pdf")))
        let path = try folder.write("mail/stamped.eml", message(attachments: [("stamped.pdf", "application/pdf", scan)]))
        let attachment = path + " › stamped.pdf"
        let store = try IndexStore(path: folder.file("index.sqlite"), create: true)
        let indexer = try Indexer(store: store, embedder: Embedder(modelPath: TestModels.embeddingModelPath))
        var announced: [String] = []
        indexer.scans.willRead = { file, page, pages in announced.append("\(file) \(page)/\(pages)") }
        let report = try indexer.index(paths: [folder.file("mail")])
        #expect(report.failures.isEmpty && report.indexedCount == 2, "\(report.failures)")
        #expect(announced == ["\(attachment) 1/1"])
        #expect(report.ocrPages == 1)
        #expect(try store.ocrPages().map(\.path) == [attachment])
        let retriever = Retriever(store: store, embedder: try Embedder(modelPath: TestModels.embeddingModelPath))
        let hit = try #require(try retriever.retrieve("late delivery credit CMS-4488", limit: 1).first?.chunk)
        #expect(hit.path == attachment && hit.pageStart == 1 && hit.text.contains("CMS-4488"), "\(hit.text)")

        let never = try IndexStore(path: folder.file("never.sqlite"), create: true)
        let unread = try Indexer(store: never, embedder: Embedder(modelPath: TestModels.embeddingModelPath), ocr: .never)
        #expect(try unread.index(paths: [folder.file("mail")]).ocrPages == 0)
        #expect(try never.ocrPages().isEmpty && never.documents().map(\.path) == [path, attachment])
    }
}
