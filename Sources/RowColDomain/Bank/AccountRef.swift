/// A reference to a QBO account (a bank account paid from, an expense account booked to): its id
/// and, when QBO sent one, its name.
public struct AccountRef: Hashable, Sendable, Codable {
    public var id: String
    public var name: String?

    public init(id: String, name: String? = nil) {
        self.id = id
        self.name = name
    }

    /// The name when known, else the id.
    public var displayName: String { (name?.isEmpty == false ? name : nil) ?? id }
}
