/// English words whose forms no suffix rule joins: irregular verbs ("hidden", "hid" of
/// "hide") and irregular plurals ("criteria" of "criterion"). The keyword index's Porter
/// stemmer leaves such forms apart, so a question asking whether Debian keeps its defects
/// "hidden" missed the Social Contract's "We will not hide problems".
///
/// Only the way from a form to its dictionary form is taken (`Retriever.withDictionaryForms`):
/// a question's "take" does not bring "took" and "taken" (measured with both ways and
/// docqa's own terms too: one more page found on the hard set, two answers lost elsewhere;
/// this way alone lost none, BENCHMARKS.md "Irregular word forms"). Left out on purpose: forms that are also common words of another meaning ("left", "found",
/// "bound", "bit", "fed", "lay", "saw", "rose", "fell", "meant", "led", "tore", "bore",
/// "lit", "data", "media", "bases", "leaves", "men" beside man pages).
enum WordForms {
    /// The dictionary form of `word` (lower-case) when it is an irregular form of another
    /// word ("hidden" → "hide", "criteria" → "criterion"); nil otherwise.
    static func base(of word: String) -> String? { bases[word] }

    /// One family per word, its dictionary form first.
    private static let families: [[String]] = [
        // Verbs
        ["arise", "arose", "arisen"], ["become", "became"], ["begin", "began", "begun"],
        ["bend", "bent"], ["bite", "bitten"], ["bleed", "bled"], ["blow", "blew", "blown"],
        ["break", "broke", "broken"], ["breed", "bred"], ["bring", "brought"], ["build", "built"],
        ["buy", "bought"], ["catch", "caught"], ["choose", "chose", "chosen"], ["cling", "clung"],
        ["come", "came"], ["creep", "crept"], ["deal", "dealt"], ["dig", "dug"],
        ["draw", "drew", "drawn"], ["drink", "drank", "drunk"], ["drive", "drove", "driven"],
        ["eat", "ate", "eaten"], ["fall", "fallen"], ["feel", "felt"], ["fight", "fought"],
        ["flee", "fled"], ["fly", "flew", "flown"], ["forbid", "forbade", "forbidden"],
        ["foresee", "foresaw", "foreseen"], ["forget", "forgot", "forgotten"],
        ["forgive", "forgave", "forgiven"], ["forgo", "forwent", "forgone"],
        ["freeze", "froze", "frozen"], ["get", "got", "gotten"], ["give", "gave", "given"],
        ["grow", "grew", "grown"], ["hang", "hung"], ["hear", "heard"], ["hide", "hid", "hidden"],
        ["hold", "held"], ["keep", "kept"], ["kneel", "knelt"], ["know", "knew", "known"],
        ["lend", "lent"], ["lose", "lost"], ["make", "made"], ["meet", "met"],
        ["mislead", "misled"], ["mistake", "mistook", "mistaken"],
        ["oversee", "oversaw", "overseen"], ["override", "overrode", "overridden"],
        ["overwrite", "overwrote", "overwritten"], ["pay", "paid"], ["prove", "proven"],
        ["rewrite", "rewrote", "rewritten"], ["ride", "rode", "ridden"], ["ring", "rang", "rung"],
        ["rise", "risen"], ["run", "ran"], ["see", "seen"], ["seek", "sought"], ["sell", "sold"],
        ["send", "sent"], ["shake", "shook", "shaken"], ["shine", "shone"], ["shoot", "shot"],
        ["shrink", "shrank", "shrunk"], ["sing", "sang", "sung"], ["sink", "sank", "sunk"],
        ["sleep", "slept"], ["slide", "slid"], ["speak", "spoke", "spoken"], ["speed", "sped"],
        ["spend", "spent"], ["spin", "spun"], ["stand", "stood"], ["steal", "stole", "stolen"],
        ["stick", "stuck"], ["sting", "stung"], ["strike", "struck", "stricken"],
        ["strive", "strove", "striven"], ["swear", "swore", "sworn"], ["sweep", "swept"],
        ["swim", "swam", "swum"], ["swing", "swung"], ["take", "took", "taken"],
        ["teach", "taught"], ["tell", "told"], ["think", "thought"], ["throw", "threw", "thrown"],
        ["undergo", "underwent", "undergone"], ["understand", "understood"],
        ["undertake", "undertook", "undertaken"], ["uphold", "upheld"], ["wake", "woke", "woken"],
        ["wear", "wore", "worn"], ["weave", "wove", "woven"], ["weep", "wept"], ["win", "won"],
        ["withdraw", "withdrew", "withdrawn"], ["withhold", "withheld"], ["withstand", "withstood"],
        ["write", "wrote", "written"],
        // Nouns
        ["addendum", "addenda"], ["analysis", "analyses"], ["appendix", "appendices"],
        ["axis", "axes"], ["calf", "calves"], ["child", "children"], ["crisis", "crises"],
        ["criterion", "criteria"], ["curriculum", "curricula"], ["diagnosis", "diagnoses"],
        ["erratum", "errata"], ["foot", "feet"], ["goose", "geese"], ["half", "halves"],
        ["hypothesis", "hypotheses"], ["index", "indices"], ["knife", "knives"], ["life", "lives"],
        ["matrix", "matrices"], ["memorandum", "memoranda"], ["mouse", "mice"],
        ["parenthesis", "parentheses"], ["person", "people"], ["phenomenon", "phenomena"],
        ["self", "selves"], ["shelf", "shelves"], ["stratum", "strata"], ["synopsis", "synopses"],
        ["thesis", "theses"], ["thief", "thieves"], ["tooth", "teeth"], ["vertex", "vertices"],
        ["wife", "wives"], ["wolf", "wolves"], ["woman", "women"],
    ]

    private static let bases: [String: String] = {
        var bases: [String: String] = [:]
        for family in families {
            for form in family.dropFirst() {
                precondition(bases.updateValue(family[0], forKey: form) == nil, "\(form) is in two families")
            }
        }
        return bases
    }()
}
