/// A reference to a vendor or customer: its QBO id and, when QBO sent one, its display name.
public struct PartyRef: Hashable, Sendable, Codable {
    public var id: String
    public var name: String?

    public init(id: String, name: String? = nil) {
        self.id = id
        self.name = name
    }

    /// The name when known, else the id.
    public var displayName: String { (name?.isEmpty == false ? name : nil) ?? id }
}
