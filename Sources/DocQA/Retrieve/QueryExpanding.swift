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
