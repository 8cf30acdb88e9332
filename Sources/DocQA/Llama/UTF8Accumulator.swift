/// Joins token pieces into text without splitting a character.
///
/// A token may end in the middle of a multi-byte UTF-8 character (common for accented
/// letters, CJK and emoji). The accumulator holds such a partial character back until the
/// rest arrives, so streamed output never shows U+FFFD for text the model produced
/// correctly. Bytes that can never form a character are replaced with U+FFFD.
public struct UTF8Accumulator: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Adds bytes and returns the text that is now complete (possibly empty).
    public mutating func append(_ bytes: [UInt8]) -> String {
        pending += bytes
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns whatever is held back, replacing an unfinished character with U+FFFD.
    public mutating func flush() -> String {
        defer { pending.removeAll() }
        return pending.isEmpty ? "" : String(decoding: pending, as: UTF8.self)
    }

    /// Length of the longest prefix that does not end inside a character that could still
    /// be completed by later bytes.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        // A character is at most 4 bytes, so only the last 3 can start an unfinished one.
        var index = bytes.count - 1
        let lowest = max(0, bytes.count - 3)
        while index >= lowest {
            let byte = bytes[index]
            if byte & 0b1100_0000 == 0b1000_0000 {  // continuation byte: look further back
                index -= 1
                continue
            }
            let expected: Int
            switch byte {
            case 0xC2...0xDF: expected = 2
            case 0xE0...0xEF: expected = 3
            case 0xF0...0xF4: expected = 4
            default: expected = 1  // ASCII or a byte that never starts a character
            }
            let available = bytes.count - index
            return available < expected ? index : bytes.count
        }
        return bytes.count
    }
}
