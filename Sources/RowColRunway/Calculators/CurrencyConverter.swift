import Foundation
import RowColDomain

/// Turns amounts into the home currency with the caller's rates, and remembers what it could not.
struct CurrencyConverter {
    let home: CurrencyCode
    private(set) var rates: [CurrencyCode: Decimal] = [:]
    private(set) var invalidRates: [CurrencyCode] = []

    init(home: CurrencyCode, rates: [CurrencyCode: Decimal]) {
        self.home = home
        for (currency, rate) in rates where currency != home {
            if rate > 0 { self.rates[currency] = rate } else { invalidRates.append(currency) }
        }
        invalidRates.sort { $0.rawValue < $1.rawValue }
    }

    /// The amount in the home currency, exact; `nil` when there is no rate for its currency.
    func toHome(_ money: Money) -> Money? {
        if money.currency == home { return money }
        guard let rate = rates[money.currency] else { return nil }
        return Money(money.amount * rate, home)
    }

    var exchangeRates: [ExchangeRate] {
        rates.map { ExchangeRate(currency: $0.key, rate: $0.value) }.sorted { $0.currency.rawValue < $1.currency.rawValue }
    }
}

/// Per-currency sums of what had no rate, so that the snapshot can show them apart.
struct UnconvertedLedger {
    enum Category { case cash, payables, receivables, payments }

    private var sums: [CurrencyCode: [Category: Decimal]] = [:]
    private var ids: [CurrencyCode: Set<String>] = [:]

    mutating func add(_ money: Money, to category: Category, id: String) {
        sums[money.currency, default: [:]][category, default: 0] += money.amount
        ids[money.currency, default: []].insert(id)
    }

    var isEmpty: Bool { sums.isEmpty }

    func amounts() -> [UnconvertedAmounts] {
        sums.keys.sorted { $0.rawValue < $1.rawValue }.map { currency in
            let sum = sums[currency] ?? [:]
            func money(_ category: Category) -> Money { Money(sum[category] ?? 0, currency) }
            return UnconvertedAmounts(
                currency: currency, cash: money(.cash), payables: money(.payables),
                receivables: money(.receivables), payments: money(.payments))
        }
    }

    func warnings(home: CurrencyCode) -> [RunwayWarning] {
        sums.keys.sorted { $0.rawValue < $1.rawValue }.map { currency in
            RunwayWarning(
                code: .currencyUnconverted,
                message: "amounts in \(currency) are left out of every total because no \(currency)→\(home) rate "
                    + "was given; they are listed apart. Pass a rate to include them.",
                currency: currency, ids: (ids[currency] ?? []).sorted())
        }
    }
}
