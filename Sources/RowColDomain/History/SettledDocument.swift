/// The part of one bill or invoice a payment settles: the document's QBO id and the amount
/// applied to it (a payment may settle several documents, and a document take several payments).
public struct SettledDocument: Hashable, Sendable, Codable {
    /// The QBO id of the bill or invoice.
    public var id: String
    public var amount: Money

    public init(id: String, amount: Money) {
        self.id = id
        self.amount = amount
    }
}
