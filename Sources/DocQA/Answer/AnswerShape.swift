import Foundation

/// The kind of text a question's answer is, read from how the question asks: "how long"
/// wants a period ("30 days"), "how many" a number, "when" a date, "what percentage" a
/// percentage, "which version" a version number.
///
/// Evidence selection prefers sentences that hold text of the asked-for kind: the
/// sentence that answers "how many years of support?" ("typically three years") often
/// names the topic only through the sentence before it, so by meaning and key terms alone
/// it ranks below sentences that repeat the question's words and answer nothing.
enum AnswerShape: Equatable, Sendable {
    /// A length of time: "30 days", "three (3) months", "one week", "every eight months".
    case period
    /// A number, in digits or words.
    case number
    /// A date or a year.
    case date
    /// A date or a length of time ("by what deadline", "by when").
    case deadline
    /// A percentage.
    case percentage
    /// A version number ("5.12", "3.8.6").
    case version

    /// The shape the question asks for, or `nil` when it does not ask for one of these
    /// (a name, a reason, a yes or no).
    init?(question: String) {
        let text = question.lowercased()
        func has(_ pattern: Regex<Substring>) -> Bool { text.contains(pattern) }
        if has(#/\b(?:what|which) (?:\w+ )?(?:percentage|percent|proportion)\b|\bhow many percent/#) {
            self = .percentage
        } else if has(#/\bhow (?:long|soon|recent|often|frequently)\b|\bhow much (?:\w+ )?(?:time|notice|warning)\b|\bhow many (?:\w+ )?(?:seconds|minutes|hours|days|weeks|months|years)\b|\b(?:what|which) (?:\w+ ){0,3}(?:period|time limit|timeframe|time frame|gap|interval)\b|\bwithin what\b/#) {
            self = .period
        } else if has(#/\b(?:what|which) (?:\w+ ){0,3}deadline\b|\bby when\b|\bhow late\b/#) {
            self = .deadline
        } else if has(#/\b(?:what|which|oldest|earliest|minimum|lowest|newest|latest) (?:\w+ )?(?:version|release)\b|\bversion (?:number|of)\b|\bsince which\b/#) {
            self = .version
        } else if has(#/\b(?:by |until |since )?when (?:was|were|did|will)\b|\b(?:what|which) (?:\w+ ){0,3}(?:date|day|year)\b|\bon what\b/#) {
            self = .date
        } else if has(#/\bhow (?:many|much|large|big|small|high|low|far|wide)\b|\bwhat (?:\w+ ){0,3}(?:number|amount|size|limit|cap|fee|price|cost|sum|minimum|maximum)\b|\bhead-?count\b/#) {
            self = .number
        } else {
            return nil
        }
    }

    /// Whether `sentence` holds text of this shape.
    func matches(_ sentence: String) -> Bool {
        let text = sentence.lowercased()
        switch self {
        case .period:
            return text.contains(Self.periodPattern)
        case .number:
            return text.contains(Self.numberPattern)
        case .date:
            return text.contains(Self.datePattern)
        case .deadline:
            return text.contains(Self.datePattern) || text.contains(Self.periodPattern)
        case .percentage:
            return text.contains(#/\d\s*(?:%|percent\b|per cent\b)|\bpercent(?:age)?\b/#)
        case .version:
            return text.contains(#/\b\d+\.\d+(?:\.\d+)*\b/#)
        }
    }

    private static let numberWords = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen|a|an|several|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quinze|trente|soixante|quatre-vingt-dix"

    /// A number (digits or words), optionally with its digits in brackets after the
    /// words ("thirty (30)"), then a unit of time.
    nonisolated(unsafe) private static let periodPattern = try! Regex("\\b(?:\\d[\\d,.]*|(?:\(numberWords))(?:[- ](?:\(numberWords)))*)(?:\\s*\\(\\d+\\))?[- ](?:calendar |business |working |consecutive |full |jours? )?(?:seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|quarters?|years?|jours?|mois|ans|années|semaines?|heures?)\\b|\\b(?:annual(?:ly)?|monthly|weekly|daily|quarterly|yearly)\\b")

    /// A number in words, or in digits standing alone as a quantity: not part of a
    /// name, a figure number or coordinates ("data[0]", "Figure 6-2", "(0, 0)").
    nonisolated(unsafe) private static let numberPattern = try! Regex("(?:^|[^\\w.\\-\\[(])\\d[\\d,]*(?:\\.\\d+)?(?![\\w\\-\\])]|\\.\\d)|\\b(?:\(numberWords.replacing("|a|an|", with: "|")))\\b")

    nonisolated(unsafe) private static let datePattern = #/\b(?:1[5-9]|20)\d{2}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b/#
}
