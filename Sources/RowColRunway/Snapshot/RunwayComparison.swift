import Foundation
import RowColDomain

/// Two snapshots of one business side by side, typically the base and a scenario
/// (`rowcol snapshot --compare base,slow`), with the difference week by week.
public struct RunwayComparison: Hashable, Sendable, Codable {
    /// One side: the scenario's name (`base` for none) and its snapshot.
    public struct Side: Hashable, Sendable, Codable {
        /// `base` or the scenario's name.
        public var name: String
        /// The snapshot.
        public var snapshot: RunwaySnapshot

        /// A side.
        public init(name: String, snapshot: RunwaySnapshot) {
            self.name = name
            self.snapshot = snapshot
        }
    }

    /// One week of both projections.
    public struct Week: Hashable, Sendable, Codable {
        /// 1…13.
        public var index: Int
        /// Its first day.
        public var start: LocalDate
        /// The left side's net and closing.
        public var leftNet: Money
        public var leftClosing: Money
        /// The right side's net and closing.
        public var rightNet: Money
        public var rightClosing: Money
        /// Right closing − left closing.
        public var difference: Money

        enum CodingKeys: String, CodingKey {
            case index, start, difference
            case leftNet = "left_net"
            case leftClosing = "left_closing"
            case rightNet = "right_net"
            case rightClosing = "right_closing"
        }
    }

    /// The JSON shape's version (the snapshot's).
    public var schemaVersion: Int
    /// The first snapshot named.
    public var left: Side
    /// The second.
    public var right: Side
    /// The 13 weeks of both.
    public var weeks: [Week]

    /// Compares two snapshots of the same business.
    public init(left: Side, right: Side) {
        schemaVersion = RunwaySnapshot.currentSchemaVersion
        self.left = left
        self.right = right
        weeks = zip(left.snapshot.weeks, right.snapshot.weeks).map { lhs, rhs in
            Week(index: lhs.index, start: lhs.start, leftNet: lhs.net, leftClosing: lhs.closing, rightNet: rhs.net,
                 rightClosing: rhs.closing, difference: Money(rhs.closing.amount - lhs.closing.amount, lhs.closing.currency))
        }
    }

    enum CodingKeys: String, CodingKey {
        case left, right, weeks
        case schemaVersion = "schema_version"
    }
}
