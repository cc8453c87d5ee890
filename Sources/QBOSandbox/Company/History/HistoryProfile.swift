import Foundation

/// What the seeder built into a company's history — each party's habit and terms, each recurring
/// series — so that a test or a backtest can compare what it learns from the data with the truth
/// (`GET /__sandbox/realms/{realm}/history`). Nothing of it is on QBO's wire.
struct HistoryProfile: Sendable, Codable {
    struct Party: Sendable, Codable {
        var id: Int
        var name: String
        var habit: PaymentHabit
        var termsDays: Int
    }

    /// Expenses that come again and again: purchases (rent, payroll, supplies, insurance) or bills.
    struct Series: Sendable, Codable {
        var name: String
        /// `weekly`, `biweekly`, `monthly` or `quarterly`.
        var cadence: String
        /// `Purchase` or `Bill`.
        var entity: String
        var payeeId: Int
        var payee: String
        var account: String
        /// `Check`, `Cash` or `CreditCard` for purchases; `nil` for bills.
        var paymentType: String?
        var typicalAmount: Decimal
        var occurrences: Int
    }

    var months: Int
    var startDate: String
    var customers: [Party]
    var vendors: [Party]
    var series: [Series]
    var oneOffPurchases: Int

    func rendered() -> WireJSON {
        func parties(_ list: [Party]) -> WireJSON {
            .array(
                list.map {
                    [
                        "id": .string(String($0.id)), "name": .string($0.name), "habit": .string($0.habit.rawValue),
                        "terms_days": .number(Decimal($0.termsDays)),
                    ]
                })
        }
        func counts(_ list: [Party], _ habits: [PaymentHabit]) -> WireJSON {
            .object(
                Dictionary(
                    uniqueKeysWithValues: habits.map { habit in
                        (habit.rawValue, WireJSON.number(Decimal(list.filter { $0.habit == habit }.count)))
                    }))
        }
        return [
            "months": .number(Decimal(months)), "start_date": .string(startDate),
            "customers": parties(customers), "vendors": parties(vendors),
            "customer_habits": counts(customers, PaymentHabit.customerHabits),
            "vendor_habits": counts(vendors, PaymentHabit.vendorHabits),
            "series": .array(
                series.map { series in
                    var object: [String: WireJSON] = [
                        "name": .string(series.name), "cadence": .string(series.cadence),
                        "entity": .string(series.entity),
                        "payee_id": .string(String(series.payeeId)), "payee": .string(series.payee),
                        "account": .string(series.account), "typical_amount": .number(series.typicalAmount),
                        "occurrences": .number(Decimal(series.occurrences)),
                    ]
                    if let type = series.paymentType { object["payment_type"] = .string(type) }
                    return .object(object)
                }),
            "one_off_purchases": .number(Decimal(oneOffPurchases)),
        ]
    }
}
