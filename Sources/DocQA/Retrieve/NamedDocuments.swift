import Foundation

/// The documents a question names ("under the Apache License", "FHS 3.0", "the GPLv3"),
/// found from the documents' own names: their file names and titles.
///
/// A word of the question names documents when it is written as a name (capitalised,
/// an acronym, or letters joined to a version: "GPLv3"), occurs in the names of a few of
/// the searched documents, and in their text far more often than elsewhere. "Apache" in a
/// folder of licences names apache-2.0.txt; "Corvane", a party that every document of a
/// case file mentions, names none of them though two titles carry it. A version number
/// of the question ("MPL 2.0") then picks among the named documents when it occurs in
/// some of their names.
///
/// Answering uses it as evidence it can check: an answer drawn only from other documents
/// than the one the question names is declined (`NotFoundPolicy`).
public struct NamedDocuments: Sendable, Equatable {
    /// The words of the question that name the documents, lower-cased.
    public var words: [String]
    /// The named documents' paths.
    public var paths: Set<String>
    /// The named documents' row ids.
    public var documentIDs: Set<Int64>

    /// Of the documents' chunks that contain a naming word, at least this many times the
    /// share the named documents hold of all chunks must be theirs. Chosen on the
    /// evaluation sets (BENCHMARKS.md): "apache", "fhs" and "mpl" clear it by far; party
    /// names and ordinary words in titles ("agreement", "public") do not reach it.
    static let minimumLift = 5.0

    /// The documents among `documents` that `question` names, or `nil` when it names none.
    ///
    /// - Parameters:
    ///   - textChunkCounts: for a word, how many chunks of each document contain it in
    ///     their text.
    ///   - phraseChunkCounts: the same for words side by side, in this order.
    static func find(in question: String, documents: [StoredDocument],
                     textChunkCounts: (String) throws -> [Int64: Int],
                     phraseChunkCounts: ([String]) throws -> [Int64: Int]) rethrows -> NamedDocuments? {
        let phrases = namePhrases(inQuestion: question)
        guard !phrases.isEmpty, documents.count > 1 else { return nil }
        // Only names that hold a candidate word somewhere are split into words: splitting
        // every document's name for every question cost most of a search at a few
        // thousand documents (Benchmarks/scale).
        let lowered = documents.map { searchableName(of: $0) }
        var names = [Set<String>?](repeating: nil, count: documents.count)
        func name(_ index: Int) -> Set<String> {
            if let known = names[index] { return known }
            let terms = nameTerms(of: documents[index])
            names[index] = terms
            return terms
        }
        let totalChunks = documents.reduce(0) { $0 + $1.chunkCount }
        // A word in many documents' names is the collection's name, not one document's.
        let mostOwners = max(1, documents.count / 3)
        var ownersOfWord: [String: [Int]] = [:]
        var words: [String] = []
        /// The documents `word` names, or none when it does not name a few of them.
        func owners(of word: String) throws -> [Int] {
            if let known = ownersOfWord[word] { return known }
            ownersOfWord[word] = []
            let owners = documents.indices.filter { contains(lowered[$0], word) && name($0).contains(word) }
            guard !owners.isEmpty, owners.count <= mostOwners else { return [] }
            let counts = try textChunkCounts(word)
            let ownerIDs = Set(owners.map { documents[$0].id })
            let withWord = documents.reduce(0) { $0 + (counts[$1.id] ?? 0) }
            let ownedWithWord = ownerIDs.reduce(0) { $0 + (counts[$1] ?? 0) }
            let ownedChunks = owners.reduce(0) { $0 + documents[$1].chunkCount }
            if withWord > 0 {
                guard ownedChunks > 0, totalChunks > 0 else { return [] }
                let lift = (Double(ownedWithWord) / Double(withWord)) / (Double(ownedChunks) / Double(totalChunks))
                guard lift >= minimumLift else { return [] }
            }
            // (A word no chunk's text holds, only names do, names its documents outright.)
            ownersOfWord[word] = owners
            return owners
        }
        // Each name of the question votes once, for the documents that carry most of its
        // words: "Creative Commons" votes for the two CC licences (ODbL's title has only
        // "Commons"), so its two words do not outvote a one-word name ("EUPL") beside it.
        // A name of which those documents' names carry at most half the words (words of
        // letters only: "1.1" in "Mozilla Public License 1.1" is a version, not a word) does
        // not vote for them when the text of another searched document has the name's words
        // side by side and theirs never does: "the Tax Technical Corrections Act" is in the
        // tax instructions, not in the DMCA summary, though that title's "Act" is its own;
        // "the Root Group" is not the LLVM Security Group's. "The Eclipse Public License"
        // (whose "Public" and "License" are in too many titles to count) still votes, since
        // its own text has the name; so does "the Perl Core Team", which no text has.
        let searched = Set(documents.map(\.id))
        var votes = [Int](repeating: 0, count: documents.count)
        for phrase in phrases {
            var carried = [Int: Int]()
            for word in phrase {
                for owner in try owners(of: word) { carried[owner, default: 0] += 1 }
            }
            guard let most = carried.values.max() else { continue }
            let voters = carried.filter { $0.value == most }.map(\.key)
            if 2 * most <= phrase.filter({ $0.allSatisfy(\.isLetter) }).count {
                let writers = try phraseChunkCounts(phrase).keys.filter(searched.contains)
                if !writers.isEmpty, !voters.contains(where: { writers.contains(documents[$0].id) }) { continue }
            }
            for word in phrase where ownersOfWord[word]?.isEmpty == false && !words.contains(word) { words.append(word) }
            for owner in voters { votes[owner] += 1 }
        }
        guard let most = votes.max(), most > 0 else { return nil }
        var named = votes.indices.filter { votes[$0] == most }
        let versions = numbers(in: question)
        let versioned = named.filter { !name($0).isDisjoint(with: versions) }
        if !versioned.isEmpty { named = versioned }
        return NamedDocuments(words: words, paths: Set(named.map { documents[$0].path }),
                              documentIDs: Set(named.map { documents[$0].id }))
    }

    /// The words of a question written as names, lower-cased and split like document
    /// names: capitalised words past the first, acronyms and words with digits anywhere.
    static func nameWords(inQuestion question: String) -> [String] {
        var result: [String] = []
        for word in namePhrases(inQuestion: question).joined() where !result.contains(word) {
            result.append(word)
        }
        return result
    }

    /// The question's names: runs of adjacent words written as names ("Creative Commons",
    /// "MPL 2.0"), each as its words (see `nameWords`), each distinct run once.
    static func namePhrases(inQuestion question: String) -> [[String]] {
        var phrases: [[String]] = []
        var current: [String] = []
        func close() {
            if !current.isEmpty, !phrases.contains(current) { phrases.append(current) }
            current = []
        }
        for (position, token) in tokens(question).enumerated() {
            let uppercase = token.original.filter(\.isUppercase).count
            let isName = token.hasDigits || uppercase >= 2 || (uppercase == 1 && position > 0)
            guard isName else {
                close()
                continue
            }
            for part in token.parts where part.count >= 3 && !part.allSatisfy(\.isNumber)
                && !Terms.stopWords.contains(part) && !current.contains(part) {
                current.append(part)
            }
        }
        close()
        return phrases
    }

    /// The words of a document's file name (without extension) and title.
    static func nameTerms(of document: StoredDocument) -> Set<String> {
        Set(tokens(nameText(of: document)).flatMap(\.parts))
    }

    /// A document's file name (without extension) and title, as one text.
    private static func nameText(of document: StoredDocument) -> String {
        let file = URL(fileURLWithPath: document.path).deletingPathExtension().lastPathComponent
        return file + "\n" + (document.title ?? "")
    }

    /// Lower-cased text that holds every word of `nameTerms(of: document)` (and a little
    /// more: the extension), made without `URL`, which is slow next to the rest.
    private static func searchableName(of document: StoredDocument) -> String {
        let file = document.path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        return (file + "\n" + (document.title ?? "")).lowercased()
    }

    /// Whether `text` holds `word`'s bytes anywhere.
    private static func contains(_ text: String, _ word: String) -> Bool {
        var text = text, word = word
        return text.withUTF8 { haystack in
            word.withUTF8 { needle in
                guard let first = needle.first else { return true }
                guard needle.count <= haystack.count else { return false }
                for start in 0...(haystack.count - needle.count) where haystack[start] == first {
                    if memcmp(haystack.baseAddress! + start, needle.baseAddress!, needle.count) == 0 { return true }
                }
                return false
            }
        }
    }

    /// Version-like numbers of `text`, normalised ("2.0" → "2").
    static func numbers(in text: String) -> Set<String> {
        Set(tokens(text).flatMap(\.parts).filter { $0.first?.isNumber == true })
    }

    /// Runs of letters or of digits (with dots between digits), each with its parts:
    /// "GPLv3" gives "gpl" and "3", "lgpl-2.1" "lgpl" and "2.1", "2.0" gives "2".
    ///
    /// A hand-written scan, not a `Regex`: this runs over every document's name for every
    /// question, and the regex version made naming documents cost ~0.4 ms per document
    /// (most of `search`'s time at a few thousand documents, Benchmarks/scale).
    private static func tokens(_ text: String) -> [(original: String, parts: [String], hasDigits: Bool)] {
        let characters = Array(text)
        var result: [(String, [String], Bool)] = []
        var start = 0
        while start < characters.count {
            guard isWordCharacter(characters[start]) else { start += 1; continue }
            var end = start
            while end < characters.count, isWordCharacter(characters[end]) { end += 1 }
            end = afterDottedDigits(characters, from: end)
            let original = characters[start..<end]
            result.append((String(original), parts(of: original), original.contains(where: \.isNumber)))
            start = end
        }
        return result
    }

    /// The runs of letters, and of digits with dotted digits after them, in one token.
    private static func parts(of token: ArraySlice<Character>) -> [String] {
        var parts: [String] = []
        var index = token.startIndex
        while index < token.endIndex {
            if token[index].isLetter {
                var end = index
                while end < token.endIndex, token[end].isLetter { end += 1 }
                var part = String(token[index..<end]).lowercased()
                if part.count > 2, part.hasSuffix("v"), end < token.endIndex, token[end].isNumber {
                    part.removeLast()  // "GPLv3": the "v" belongs to the version
                }
                parts.append(part)
                index = end
            } else if isDigit(token[index]) {
                var end = index
                while end < token.endIndex, isDigit(token[end]) { end += 1 }
                end = afterDottedDigits(token, from: end)
                var part = String(token[index..<end])
                while part.hasSuffix(".0") { part.removeLast(2) }
                parts.append(part)
                index = end
            } else {
                index += 1
            }
        }
        return parts
    }

    /// The index after any ".digits" groups that start at `index`.
    private static func afterDottedDigits<C: RandomAccessCollection<Character>>(_ characters: C, from index: C.Index) -> C.Index {
        var end = index
        while end != characters.endIndex, characters[end] == ".",
              characters.index(after: end) != characters.endIndex, isDigit(characters[characters.index(after: end)]) {
            end = characters.index(after: end)
            while end != characters.endIndex, isDigit(characters[end]) { end = characters.index(after: end) }
        }
        return end
    }

    private static func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber }
    private static func isDigit(_ character: Character) -> Bool { character.isNumber && character.wholeNumberValue != nil }
}
