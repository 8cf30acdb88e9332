/// Words as docqa compares them between a question, passages and an answer: lower-cased
/// runs of letters and digits, common function words dropped, light suffix stripping so
/// "terminated" meets "termination".
enum Terms {
    /// The content words of `text`, stemmed, in order of first appearance.
    static func keyTerms(_ text: some StringProtocol, droppingQuestionWords: Bool = false) -> [String] {
        keyWords(text, droppingQuestionWords: droppingQuestionWords).map(\.term)
    }

    /// The content words of `text`, each with its stemmed term, one per term, in order.
    static func keyWords(_ text: some StringProtocol, droppingQuestionWords: Bool = false) -> [(word: String, term: String)] {
        var seen = Set<String>()
        var result: [(String, String)] = []
        for word in words(text) {
            if stopWords.contains(word) { continue }
            if droppingQuestionWords && questionWords.contains(word) { continue }
            guard word.count >= 3 || word.contains(where: \.isNumber) else { continue }
            let term = stem(americanSpelling(word))
            if seen.insert(term).inserted { result.append((word, term)) }
        }
        return result
    }

    /// Lower-cased runs of letters and digits ("3.5%" gives "3", "5"; "Section 4(b)" gives
    /// "section", "4", "b"). Apostrophes inside a word are dropped, so "party's" is "partys"
    /// and stems to "party".
    static func words(_ text: some StringProtocol) -> [String] {
        var result: [String] = []
        var current = ""
        var previousWasLetter = false
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
                previousWasLetter = true
            } else if (character == "'" || character == "’") && previousWasLetter {
                continue
            } else {
                if !current.isEmpty { result.append(current) }
                current = ""
                previousWasLetter = false
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// `word` (lower-case) in American spelling where British spelling differs in a regular
    /// way: "licence" is "license", "defence" "defense", "organisation" "organization",
    /// "favour" "favor", "analyse" "analyze". Questions and documents do not always agree,
    /// and a licence question must find the license. Applied to both sides alike, so an
    /// American word that merely looks British ("promise" → "promize") still matches itself.
    static func americanSpelling(_ word: String) -> String {
        if let exact = britishWords[word] { return exact }
        guard word.count >= 5, !word.contains(where: \.isNumber) else { return word }
        for (british, american) in britishStems where word.hasPrefix(british) {
            return american + word.dropFirst(british.count)
        }
        for (british, american) in britishEndings where word.hasSuffix(british) {
            let stem = word.dropLast(british.count)
            if stem.count >= 2 { return stem + american }
        }
        return word
    }

    private static let britishWords: [String: String] = [
        "licence": "license", "licences": "licenses", "licenced": "licensed", "licencing": "licensing",
        "licencee": "licensee", "licencees": "licensees",
        "defence": "defense", "defences": "defenses", "offence": "offense", "offences": "offenses",
        "pretence": "pretense", "judgement": "judgment", "judgements": "judgments", "programme": "program",
        "programmes": "programs", "cheque": "check", "cheques": "checks", "catalogue": "catalog",
        "centre": "center", "centres": "centers", "fulfil": "fulfill", "fulfils": "fulfills",
        "instalment": "installment", "instalments": "installments", "enrol": "enroll", "artefact": "artifact",
    ]

    /// Words spelled "-our" in British English, with what follows them ("favourable").
    /// (Not a rule on "-our": "hours" would part from "hour".)
    private static let britishStems: [(String, String)] = [
        ("favour", "favor"), ("honour", "honor"), ("labour", "labor"), ("colour", "color"),
        ("behaviour", "behavior"), ("neighbour", "neighbor"), ("harbour", "harbor"), ("rumour", "rumor"),
        ("endeavour", "endeavor"), ("humour", "humor"), ("vigour", "vigor"), ("armour", "armor"),
    ]

    /// Regular British endings and their American forms, longest first. A word with one
    /// letter before the ending is left alone ("rises" stays with "rise").
    private static let britishEndings: [(String, String)] = [
        ("isations", "izations"), ("isation", "ization"), ("ising", "izing"), ("ised", "ized"),
        ("ises", "izes"), ("ise", "ize"), ("ysing", "yzing"), ("ysed", "yzed"), ("yse", "yze"),
    ]

    /// A light English stemmer: enough to match inflections, not a linguistic analysis.
    static func stem(_ word: String) -> String {
        guard word.count > 4, !word.contains(where: \.isNumber) else { return word }
        for (suffix, replacement) in suffixes where word.hasSuffix(suffix) {
            var base = String(word.dropLast(suffix.count)) + replacement
            // "announcement" and "announced" meet at "announc", as "announce" does; "guarantee",
            // "guaranteed" and "guarantees" meet at "guarant".
            while base.count > 4, base.hasSuffix("e") { base.removeLast() }
            if base.count >= 4 { return base }
        }
        return word
    }

    private static let suffixes: [(String, String)] = [
        ("ational", "ate"), ("ations", "ate"), ("ation", "ate"), ("nesses", ""), ("ness", ""),
        ("ments", ""), ("ment", ""), ("ingly", ""), ("ings", ""), ("ing", ""), ("ities", ""), ("ity", ""),
        ("ions", ""), ("ion", ""), ("ies", "y"), ("ied", "y"), ("ers", ""), ("er", ""), ("ed", ""),
        ("ly", ""), ("es", ""), ("s", ""), ("e", ""),
    ]

    /// Function words, and words every question or answer about documents uses.
    static let stopWords: Set<String> = [
        "a", "an", "the", "and", "or", "nor", "for", "that", "this", "these", "those", "with", "was",
        "were", "are", "is", "be", "not", "but", "from", "has", "have", "had", "which", "who",
        "whom", "whose", "what", "when", "where", "why", "how", "will", "shall", "its", "it", "their",
        "they", "them", "there", "any", "all", "such", "other", "than", "then", "into", "upon",
        "under", "been", "being", "also", "may", "can", "would", "should", "could", "must", "of",
        "to", "in", "on", "at", "by", "as", "if", "so", "do", "does", "did", "our", "your", "you",
        "we", "he", "she", "his", "her", "him", "i", "me", "my", "about", "each", "per", "out",
        "source", "sources", "according", "answer", "question", "passage", "passages",
    ]

    /// Words that shape a question but name nothing to look for.
    static let questionWords: Set<String> = [
        "many", "much", "long", "often", "say", "says", "said", "tell", "mention", "mentioned",
        "describe", "explain", "give", "list", "name", "named", "called", "kind", "type", "happen",
        "happens", "document", "documents", "file", "text", "exactly", "specific", "specifically",
    ]
}
