import CCSV
import Foundation

/// CSV read and written by libcsv (RFC 4180: quoted fields, doubled quotes, line breaks
/// inside quotes). The only importer of libcsv.
public enum CSV {
    /// A CSV file that libcsv cannot parse, with the record where it stopped.
    public struct ParseError: Error, Equatable {
        /// 1-based record (the header is record 1); a record may span lines.
        public var record: Int
        public var reason: String
    }

    /// The records of `data`, each a list of fields, in order. A UTF-8 byte-order mark is
    /// skipped; blank lines are not records. Strict: a stray quote inside an unquoted field
    /// or an unterminated quoted field is an error.
    ///
    /// - Throws: `ParseError`.
    public static func records(in data: Data) throws -> [[String]] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var parser = csv_parser()
        guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) == 0 else {
            throw ParseError(record: 1, reason: "libcsv could not start (out of memory)")
        }
        defer { csv_free(&parser) }
        let sink = Sink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let onField: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { field, length, context in
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            let text = field.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self) } ?? ""
            sink.fields.append(text)
        }
        let onRecord: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            sink.records.append(sink.fields)
            sink.fields = []
        }
        let parsed = bytes.withUnsafeBytes { buffer in
            csv_parse(&parser, buffer.baseAddress, buffer.count, onField, onRecord, context)
        }
        if parsed != bytes.count || csv_fini(&parser, onField, onRecord, context) != 0 {
            throw ParseError(record: sink.records.count + 1, reason: String(cString: csv_strerror(csv_error(&parser))))
        }
        return sink.records
    }

    /// One record as a line of CSV: every field quoted (quotes inside doubled), fields
    /// separated by commas, ended by CR LF as RFC 4180 and spreadsheet programs expect.
    public static func line(_ fields: [String]) -> String {
        fields.map(quoted).joined(separator: ",") + "\r\n"
    }

    static func quoted(_ field: String) -> String {
        let source = Array(field.utf8)
        // A quoted field is at most twice as long as its text, plus the two quotes.
        var output = [UInt8](repeating: 0, count: source.count * 2 + 2)
        let written = source.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                csv_write(out.baseAddress, out.count, input.baseAddress, input.count)
            }
        }
        return String(decoding: output.prefix(written), as: UTF8.self)
    }

    private final class Sink {
        var fields: [String] = []
        var records: [[String]] = []
    }
}
