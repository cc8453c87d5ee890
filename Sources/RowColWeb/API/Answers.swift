import Foundation
import RowCol

/// `GET /api/v1/status`: how this server runs, and each business's freshness, documents and flags.
struct StatusAnswer: Sendable, Codable {
    struct Scheduler: Sendable, Codable {
        var enabled: Bool
        /// The UTC hour of the nightly reconciliation.
        var nightlyReconHour: Int
        var lastRun: Date?
        var lastRecon: Date?

        enum CodingKeys: String, CodingKey {
            case enabled
            case nightlyReconHour = "nightly_recon_hour"
            case lastRun = "last_run"
            case lastRecon = "last_recon"
        }
    }

    var advisor: AdvisorID
    var readOnly: Bool
    var scheduler: Scheduler
    /// Whether `POST /webhooks/qbo` is served (a verifier token was given).
    var webhooks: Bool
    var businesses: [BusinessStatus]

    enum CodingKeys: String, CodingKey {
        case scheduler, webhooks, businesses
        case advisor = "advisor_id"
        case readOnly = "read_only"
    }
}

/// `GET /api/v1/businesses/{b}/weeks/{n}`: one week of the projection and the items behind it.
struct WeekAnswer: Sendable, Codable {
    var business: RunwayBusiness
    var week: ProjectionWeek
    var bills: [AgingSummary.Item]
    var invoices: [AgingSummary.Item]
    var payments: [ScheduledPayment]
}
