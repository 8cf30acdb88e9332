import Foundation

extension Answerer {
    /// The answer with the bound its source puts on a number: a model told to copy amounts
    /// exactly still writes "600 pages" where the passage says "more than 600 pages", and
    /// "five of the principal authors" where it says "at least five", which states a
    /// different rule.
    ///
    /// A number in the answer with no bound of its own gets the source's when every place
    /// the sources write that number (before the same word, when the answer has one after
    /// it) puts the same bound in front of it; where the sources disagree, or write the
    /// number bare somewhere, the answer is left as the model wrote it.
    static func quotingQualifiers(in answer: String, sources: [Source]) -> String {
        let texts = sources.map { $0.text.lowercased() }
        guard !texts.isEmpty else { return answer }
        var result = answer
        // Backwards, so that earlier ranges stay valid while later ones grow.
        for match in answer.matches(of: numberInAnswer).reversed() {
            let number = match.output.1.lowercased()
            let numberRange = match.range
            guard isNumber(number) else { continue }
            let before = answer[..<match.range.lowerBound]
            // A citation ("[1]"), part of an amount, a date, a version, a range or "(30)".
            if let previous = before.last, "0123456789[(.,$/:-–—#§+=<>≤≥~".contains(previous) { continue }
            let lowered = before.lowercased()
            if phrase(endingText: lowered, among: boundWords) != nil { continue }
            // A label's number ("version 2.5", "section 4") or a range's end ("5 to 10").
            let previousWord = lowered.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).last.map(String.init) ?? ""
            if labelWords.contains(previousWord) || (previousWord == "to" && lowered.dropLast(4).last?.isNumber == true) { continue }
            let next = answer[numberRange.upperBound...].prefixMatch(of: #/\s+([A-Za-z]+)/#).map { $0.output.1.lowercased() }
            guard let qualifier = sharedQualifier(of: number, before: next, in: texts) else { continue }
            let startsSentence = before.trimmingCharacters(in: .whitespaces).last.map { ".!?\n".contains($0) } ?? true
            let written = startsSentence ? qualifier.prefix(1).uppercased() + qualifier.dropFirst() : qualifier
            // "Five of …" becomes "At least five of …": the number is no longer first.
            let numberWritten = startsSentence && number.first?.isLetter == true ? number : String(answer[numberRange])
            result.replaceSubrange(numberRange, with: written + " " + numberWritten)
        }
        return result
    }

    /// The one bound every occurrence of `number` in `texts` carries (only those followed by
    /// the word `next`, when the answer has a word after the number), or nil when there is
    /// none or some occurrence has no bound or another.
    private static func sharedQualifier(of number: String, before next: String?, in texts: [String]) -> String? {
        // Where the answer has a word after the number, only the sources' uses before that
        // word count ("600 pages", not a version's "2.5 applies" against "2.5 MB").
        let pattern = "(?<![\\w.,$/+-])" + NSRegularExpression.escapedPattern(for: number) + "(?![\\w]|[.,]\\d)"
            + (next.map { "(?=\\s+" + NSRegularExpression.escapedPattern(for: $0) + "\\b)" } ?? "")
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return nil }
        var shared: String?
        for text in texts {
            for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let use = Range(match.range, in: text) else { continue }
                let before = text[..<use.lowerBound].suffix(40).replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
                guard let qualifier = phrase(endingText: before, among: qualifiers),
                      shared == nil || shared == qualifier else { return nil }
                shared = qualifier
            }
        }
        return shared
    }

    /// A figure ("600", "2.5", "1,000", "30%") or a word (a number word, checked after).
    private static var numberInAnswer: Regex<(Substring, Substring)> {
        #/(?i)\b(\d[\d,]*(?:\.\d+)?%?|[a-z]+(?:-[a-z]+)?)(?![\w.,]\w|[\w-])/#
    }

    /// The first of `phrases` that `text` ends with, as a whole word followed by a space.
    private static func phrase(endingText text: String, among phrases: [String]) -> String? {
        phrases.first { text.hasSuffix(" " + $0 + " ") || text == $0 + " " }
    }

    /// A figure, or number words ("five", "twenty-one"); a scale word alone ("hundred") is not.
    private static func isNumber(_ word: String) -> Bool {
        word.first?.isNumber == true
            || word.split(separator: "-").allSatisfy { numberWords.contains(String($0)) && !scaleWords.contains(String($0)) }
    }

    private static let scaleWords: Set<String> = ["hundred", "thousand", "million", "billion"]

    /// The bounds quoted, longest first so that "no more than" is not read as "more than".
    static let qualifiers = ["not more than", "not less than", "not fewer than", "no more than", "no less than",
                             "no fewer than", "not later than", "no later than", "not exceeding", "in excess of",
                             "a minimum of", "a maximum of", "at least", "at most", "more than", "less than",
                             "fewer than", "greater than", "up to", "approximately", "about", "nearly"]

    /// Words that already bound a number in the answer: nothing is added after them.
    private static let boundWords = qualifiers + ["than", "least", "most", "within", "over", "under", "around",
                                                  "roughly", "almost", "approx.", "minimum", "maximum", "minimum of",
                                                  "maximum of", "exceed", "exceeds", "exceeding", "below", "above",
                                                  "only", "exactly", "just", "precisely"]

    /// Words whose number names something rather than counts it.
    private static let labelWords: Set<String> = ["version", "v", "section", "sections", "article", "articles", "chapter",
                                                  "page", "pages", "clause", "paragraph", "rule", "item", "step", "part",
                                                  "schedule", "exhibit", "annex", "appendix", "no", "number", "release",
                                                  "table", "figure", "line", "level"]

    // A name, "=", and a value with a digit in it: "strength=40", "move=+1h", "time=10".
    private static let settingPattern = try! NSRegularExpression(pattern: #"(?<![\w.=-])([A-Za-z_][\w.-]*)=([+-]?[\w.:+-]*\d[\w.:+-]*)"#)

    /// The answer with a value written as the setting its source gives it: "strength=40"
    /// where the model wrote "40", "move=+1h" where it wrote "+1h". Only where the sources
    /// write that value nowhere else on its own, so that the setting is the only reading.
    static func quotingSettings(in answer: String, sources: [Source]) -> String {
        var settings: [String: String] = [:]
        var bare: Set<String> = []
        for source in sources {
            let text = source.text
            for match in settingPattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let name = Range(match.range(at: 1), in: text), let written = Range(match.range(at: 2), in: text) else { continue }
                var value = String(text[written])
                while value.last == "." || value.last == ":" { value.removeLast() }
                guard value.count >= 2 else { continue }
                let setting = String(text[name]) + "=" + value
                if let known = settings[value], known != setting { bare.insert(value) }   // two settings: ambiguous
                settings[value] = setting
            }
        }
        guard !settings.isEmpty else { return answer }
        for value in settings.keys {
            let alone = "(?<![\\w=.+-])" + NSRegularExpression.escapedPattern(for: value) + "(?![\\w+-]|[.:]\\w)"
            if sources.contains(where: { $0.text.range(of: alone, options: .regularExpression) != nil }) {
                bare.insert(value)
            }
        }
        var result = answer
        for (value, setting) in settings.sorted(by: { $0.key < $1.key }) where !bare.contains(value) {
            // Not where the answer names the setting itself ("a strength of 40"), and not a
            // quantity with a unit after it ("10 seconds" is not "time=10").
            let key = String(setting.prefix { $0 != "=" })
            guard result.range(of: key, options: .caseInsensitive) == nil else { continue }
            let alone = "(?<![\\w=.+\\[-])" + NSRegularExpression.escapedPattern(for: value) + "(?![\\w+-]|[.:]\\w|\\s+[A-Za-z])"
            guard let found = result.range(of: alone, options: .regularExpression) else { continue }
            result.replaceSubrange(found, with: setting)
        }
        return result
    }
}
