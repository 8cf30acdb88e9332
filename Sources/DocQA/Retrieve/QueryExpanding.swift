/// Writes text to search by meaning along with a query.
///
/// A user's question and the passage that answers it often share few words ("away for a
/// few weeks" against "vacation"), and a small embedding model does not always bridge
/// them. A sentence written the way a document would state the answer is closer to that
/// passage; the retriever searches by the mean of the two vectors, so the question keeps
/// its say. The keyword search and the named-document check still read the query alone.
public protocol QueryExpanding: AnyObject {
    /// The text to search along with `query`, or `nil` to search the query alone.
    func expansion(of query: String) throws -> String?
}

/// An expander made on first use, so that a command whose searches agree (see
/// `Retriever.expansionAgreement`) never loads the model that writes the sentence.
/// `make` runs at most once; what it throws is thrown by that first `expansion(of:)`, and
/// again by later ones. Not `Sendable`: it keeps what `make` made.
public final class LazyQueryExpander: QueryExpanding {
    private let make: () throws -> (any QueryExpanding)?
    private var made: Result<(any QueryExpanding)?, any Error>?

    public init(_ make: @escaping () throws -> (any QueryExpanding)?) {
        self.make = make
    }

    /// Whether `make` has run.
    public var isMade: Bool { made != nil }

    public func expansion(of query: String) throws -> String? {
        if made == nil { made = Result { try make() } }
        return try made?.get()?.expansion(of: query)
    }
}
