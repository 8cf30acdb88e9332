import Foundation

extension Answerer {
    /// The answer with each date written as its source writes it: a model told to copy
    /// dates exactly still turns "26 February 2007" into "February 26, 2007", and a reader
    /// who searches the document for the answer's words should find them.
    ///
    /// Only whole dates (day, month name, year) that name the same day as a date in one of
    /// the sources are rewritten; a date no source holds is left as the model wrote it.
    static func quotingDates(in answer: String, sources: [Source]) -> String {
        var written: [DateKey: String] = [:]
        for source in sources {
            for (key, text) in dates(in: source.text) where written[key] == nil {
                written[key] = text
            }
        }
        guard !written.isEmpty else { return answer }
        var result = answer
        // Backwards, so that earlier ranges stay valid while later ones are replaced.
        for match in result.matches(of: datePattern).reversed() {
            guard let key = key(of: match.output), let sourceForm = written[key],
                  result[match.range] != sourceForm else { continue }
            result.replaceSubrange(match.range, with: sourceForm)
        }
        return result
    }

    private struct DateKey: Hashable {
        let day: Int, month: Int, year: Int
    }

    /// "26 February 2007", "26th of February, 2007", "February 26, 2007", "Feb. 26th 2007".
    private typealias DateMatch = (Substring, Substring?, Substring?, Substring?, Substring?, Substring?, Substring?)

    private static var datePattern: Regex<DateMatch> {
        #/(?i)\b(?:(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})|([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}))\b/#
    }

    private static func dates(in text: String) -> [(DateKey, String)] {
        text.matches(of: datePattern).compactMap { match in
            key(of: match.output).map { ($0, String(text[match.range])) }
        }
    }

    private static func key(of output: DateMatch) -> DateKey? {
        let (day, month, year) = output.1 != nil ? (output.1, output.2, output.3) : (output.5, output.4, output.6)
        guard let day = day.flatMap({ Int($0) }), (1...31).contains(day),
              let month = month.flatMap(monthNumber), let year = year.flatMap({ Int($0) }) else { return nil }
        return DateKey(day: day, month: month, year: year)
    }

    private static func monthNumber(_ name: Substring) -> Int? {
        let lowered = name.lowercased()
        guard lowered.count >= 3 else { return nil }
        // A full name, or its first three letters ("Sept" too).
        return monthNames.firstIndex { $0 == lowered || ($0.hasPrefix(lowered) && lowered.count <= 4) }.map { $0 + 1 }
    }

    private static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august",
                                     "september", "october", "november", "december"]
}
