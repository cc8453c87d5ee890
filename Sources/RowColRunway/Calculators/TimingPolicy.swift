import Foundation
import RowColDomain

/// The knobs of the timing model. ``standard`` learns from history; ``dueDates`` is the model
/// before learning (kept to measure against): everything on its due date, overdue in week 1,
/// nothing recurring, no haircut.
public struct TimingPolicy: Hashable, Sendable, Codable {
    /// Whether open items are moved by the paid history (off: every item on its due date).
    public var learnsLateness: Bool
    /// The fewest paid items a counterparty (or the business) needs before its lateness is trusted.
    public var minimumSample: Int
    /// How many of a counterparty's latest paid items its typical lateness is the median of.
    public var partyWindow: Int
    /// How many of the business's latest paid items (all counterparties) its typical lateness is the median of.
    public var businessWindow: Int
    /// Invoices more than this many days overdue get a collection haircut; `nil`: never.
    public var haircutAfterDays: Int?
    /// The share (percent, 0…100) of a very overdue invoice's balance not expected.
    public var haircutPercent: Decimal
    /// Whether recurring outflows are detected and projected.
    public var detectsRecurring: Bool
    /// The knobs of recurring detection.
    public var recurring: RecurringPolicy

    /// A policy with the given knobs.
    public init(
        learnsLateness: Bool = true, minimumSample: Int = 3, partyWindow: Int = 12, businessWindow: Int = 60,
        haircutAfterDays: Int? = 90, haircutPercent: Decimal = 50, detectsRecurring: Bool = true,
        recurring: RecurringPolicy = .standard
    ) {
        self.learnsLateness = learnsLateness
        self.minimumSample = minimumSample
        self.partyWindow = partyWindow
        self.businessWindow = businessWindow
        self.haircutAfterDays = haircutAfterDays
        self.haircutPercent = haircutPercent
        self.detectsRecurring = detectsRecurring
        self.recurring = recurring
    }

    /// Learns from history: typical lateness per counterparty, recurring outflows, a 50% haircut past 90 days.
    public static let standard = TimingPolicy()

    /// The model before learning: every open item on its due date (overdue ones in week 1), no
    /// recurring flows, no haircut.
    public static let dueDates = TimingPolicy(learnsLateness: false, haircutAfterDays: nil, detectsRecurring: false)

    enum CodingKeys: String, CodingKey {
        case recurring
        case learnsLateness = "learns_lateness"
        case minimumSample = "minimum_sample"
        case partyWindow = "party_window"
        case businessWindow = "business_window"
        case haircutAfterDays = "haircut_after_days"
        case haircutPercent = "haircut_percent"
        case detectsRecurring = "detects_recurring"
    }
}
