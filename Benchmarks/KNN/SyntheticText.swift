/// A small seeded generator (SplitMix64): the same seed gives the same text on every run
/// and machine, which `SystemRandomNumberGenerator` would not.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// English-like chunk text for the keyword index: words drawn with Zipf frequencies from
/// a vocabulary whose head is real English (function words first, then contract and
/// case-file words) and whose long tail is invented words. So a keyword query's common
/// words match most chunks and its rare words few, as with real documents.
struct SyntheticText {
    /// Words in the vocabulary; the head is `SyntheticText.englishWords`.
    static let vocabularySize = 20_000

    /// Real words, roughly most frequent first.
    static let englishWords: [String] = """
        the of and to a in that is for on was with as by be it this at from or not are \
        which an have has any such shall all its were been may their other no under \
        party parties court agreement contract section notice date payment period days \
        written supplier buyer claim claims before after within between upon each more \
        than time filed filing order terms term service services goods delivery price \
        law state federal appeal motion judgment plaintiff defendant counsel evidence \
        record hearing trial witness testimony exhibit damages breach termination \
        deadline schedule invoice amount fees costs interest liability warranty \
        obligations rights remedy remedies dispute arbitration jurisdiction venue \
        insurance indemnify indemnification confidential information disclosure \
        property equipment vessel cargo shipment port inspection defect defects repair \
        replacement acceptance rejection purchase sale seller purchaser owner tenant \
        lease rent premises landlord employee employer wages overtime policy report \
        letter email meeting minutes board resolution approval consent amendment \
        renewal expiry extension default cure waiver assignment successor affiliate \
        subsidiary company corporation partnership director officer manager engineer \
        statement account balance credit debit bank transfer wire currency tax taxes \
        audit compliance regulation permit license safety standard specification \
        drawing design manufacture supply quantity quality sample test tests results \
        failure cause loss risk title force majeure event events response \
        reply objection deposition discovery subpoena settlement mediation verdict \
        sentence pursuant hereto thereof herein whereas provided however including \
        without limitation reasonable material adverse prior first second third final
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    private static let syllables = [
        "ka", "lor", "ven", "dri", "sta", "mel", "quo", "ran", "tiv", "bel", "cor", "dun",
        "fel", "gar", "hol", "jen", "lis", "mor", "nav", "pel", "rud", "sel", "tor", "vas",
        "wen", "zel", "bra", "cle", "fro", "gri", "plo", "tre", "ost", "amb", "erd", "ilk",
        "ond", "urt", "esk", "alm",
    ]

    /// The word of Zipf rank `rank`: an English word for the head, an invented one after.
    static func word(rank: Int) -> String {
        if rank < englishWords.count { return englishWords[rank] }
        var n = rank - englishWords.count
        var word = ""
        repeat {
            word += syllables[n % syllables.count]
            n /= syllables.count
        } while n > 0
        // One-syllable invented words could be real ones ("amb"); three letters at least
        // and a suffix keep the tail apart from the head.
        return word + "ex"
    }

    private var random: SplitMix64
    private let vocabulary: [String]
    /// Running sums of the Zipf weights 1/(rank+1), for drawing a rank by bisection.
    private let cumulativeWeights: [Double]

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        vocabulary = (0..<Self.vocabularySize).map(Self.word(rank:))
        var total = 0.0
        cumulativeWeights = (0..<Self.vocabularySize).map { rank in
            total += 1 / Double(rank + 1)
            return total
        }
    }

    private mutating func nextWord() -> String {
        let target = Double.random(in: 0..<cumulativeWeights[cumulativeWeights.count - 1], using: &random)
        var low = 0
        var high = cumulativeWeights.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulativeWeights[middle] <= target { low = middle + 1 } else { high = middle }
        }
        return vocabulary[low]
    }

    /// A passage of 120 to 180 words in sentences of 6 to 20 words.
    /// - Returns: the text and its word count.
    mutating func chunk() -> (text: String, words: Int) {
        let count = Int.random(in: 120...180, using: &random)
        var text = ""
        text.reserveCapacity(count * 8)
        var sentenceLeft = 0
        for index in 0..<count {
            var word = nextWord()
            if sentenceLeft == 0 {
                sentenceLeft = Int.random(in: 6...20, using: &random)
                word = word.prefix(1).uppercased() + word.dropFirst()
                if index > 0 { text += " " }
            } else {
                text += " "
            }
            text += word
            sentenceLeft -= 1
            if sentenceLeft == 0 || index == count - 1 {
                text += "."
                sentenceLeft = 0
            }
        }
        return (text, count)
    }
}
