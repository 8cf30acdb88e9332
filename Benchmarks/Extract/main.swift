// Extraction speed per file: `docqa-extract-bench FILE...` reads each file with
// DocumentExtractor (the reader `docqa index` uses) several times and prints the median
// time, the file's size and the text it gave. Nothing is embedded or stored, so this
// measures the readers alone (Benchmarks/extract makes the files and runs it).
import DocQA
import Foundation

let runs = Int(ProcessInfo.processInfo.environment["DOCQA_EXTRACT_RUNS"] ?? "") ?? 5
print("file\tbytes\ttext bytes\tmedian ms\tMB/s (file)")
for path in CommandLine.arguments.dropFirst() {
    var times: [Double] = []
    var textBytes = 0
    for _ in 0..<runs {
        let start = ContinuousClock.now
        do {
            let document = try DocumentExtractor.extract(fileAt: path)
            textBytes = document.pages.reduce(0) { $0 + $1.text.utf8.count }
        } catch {
            print("\(path)\tfailed: \(error)")
            break
        }
        let elapsed = (ContinuousClock.now - start).components
        times.append(Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }
    guard !times.isEmpty else { continue }
    let median = times.sorted()[times.count / 2]
    let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    print("\((path as NSString).lastPathComponent)\t\(bytes)\t\(textBytes)\t"
          + String(format: "%.1f\t%.1f", median * 1000, Double(bytes) / median / 1_000_000))
}
