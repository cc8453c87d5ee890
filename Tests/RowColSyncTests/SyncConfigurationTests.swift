import Foundation
import RowColDomain
import RowColJSON
import RowColSync
import Testing

struct SyncConfigurationTests {
    @Test func defaultsAreDesignsDefaults() throws {
        let configuration = try SyncConfiguration.resolve(environment: [:])
        #expect(configuration.softTTL(for: .bill) == .seconds(900))
        #expect(configuration.softTTL(for: .invoice) == .seconds(900))
        #expect(configuration.softTTL(for: .balance) == .seconds(120))
        #expect(configuration.hardTTL == .seconds(86_400))
        #expect(configuration.enableRetry && configuration.enableDedup && configuration.strictOnSnapshot)
        #expect(!configuration.schedulerEnabled)
        #expect(configuration.nightlyReconHour == 3)
    }

    @Test func environmentBeatsTheWorkspaceFile() throws {
        let configuration = try SyncConfiguration.resolve(
            environment: ["SYNC_CACHE_TTL_BILLS": "60", "STRICT_ON_SNAPSHOT": "false", "SYNC_NIGHTLY_RECON_HOUR": "04"],
            policy: ["cache_ttl_bills": .number(300), "cache_ttl_invoices": .number(30)])
        #expect(configuration.softTTL(for: .bill) == .seconds(60))
        #expect(configuration.softTTL(for: .invoice) == .seconds(30))
        #expect(!configuration.strictOnSnapshot)
        #expect(configuration.nightlyReconHour == 4)
    }

    @Test(arguments: [
        ("SYNC_CACHE_TTL_BILLS", "ten"), ("SYNC_CACHE_TTL_BALANCES", "-5"), ("SYNC_ENABLE_RETRY", "maybe"),
        ("SYNC_NIGHTLY_RECON_HOUR", "24"), ("STRICT_ON_SNAPSHOT", ""), ("SYNC_HARD_TTL", "10"),
    ])
    func badValuesNameTheirVariable(_ name: String, _ value: String) {
        do {
            _ = try SyncConfiguration.resolve(environment: [name: value])
            Issue.record("accepted \(name)=\(value)")
        } catch {
            #expect(error.name == name)
            #expect(error.description.contains(name))
        }
    }

    @Test func unknownFileKeysAreRefused() {
        #expect(throws: ConfigurationError.self) {
            try SyncConfiguration.resolve(environment: [:], policy: ["cache_ttl_bils": .number(5)])
        }
    }
}

struct IdempotencyKeyTests {
    let business = BusinessRef(advisor: try! AdvisorID(validating: "ada"), business: try! BusinessID(validating: "acme"))

    @Test func samePaymentSameKeyWhateverTheSpelling() throws {
        let bill = try EntityID(validating: "145")
        let a = IdempotencyKey.billPayment(business: business, billID: bill, amount: Money("100", .usd)!, payOn: LocalDate("2026-12-01")!)
        let b = IdempotencyKey.billPayment(business: business, billID: bill, amount: Money("100.00", .usd)!, payOn: LocalDate("2026-12-01")!)
        #expect(a == b)
        #expect(a.rawValue.count <= 50)
        #expect(try EntityID(validating: a.rawValue) == a.paymentID)
    }

    @Test func anyDifferenceMakesAnotherKey() throws {
        let bill = try EntityID(validating: "145")
        let base = IdempotencyKey.billPayment(business: business, billID: bill, amount: Money("100", .usd)!, payOn: LocalDate("2026-12-01")!)
        #expect(base != IdempotencyKey.billPayment(business: business, billID: bill, amount: Money("100.01", .usd)!, payOn: LocalDate("2026-12-01")!))
        #expect(base != IdempotencyKey.billPayment(business: business, billID: bill, amount: Money("100", .usd)!, payOn: LocalDate("2026-12-02")!))
        #expect(base != IdempotencyKey.billPayment(business: business, billID: try EntityID(validating: "146"), amount: Money("100", .usd)!, payOn: LocalDate("2026-12-01")!))
        let other = BusinessRef(advisor: business.advisor, business: try BusinessID(validating: "acme2"))
        #expect(base != IdempotencyKey.billPayment(business: other, billID: bill, amount: Money("100", .usd)!, payOn: LocalDate("2026-12-01")!))
    }
}
