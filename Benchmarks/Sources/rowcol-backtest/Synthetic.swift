import Foundation
import RowCol

/// SplitMix64, so a seed always gives the same business.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A made-up small business with a year of history and the weeks after the origin, built from
/// habits of its own (written from how small businesses are commonly described, not from any
/// seeder or from the runway's model): customers who pay on time, late by their own margin,
/// erratically, early, or sometimes very late; vendors billed monthly or irregularly and paid
/// early or late; rent (with a raise), payroll (biweekly or twice a month), weekly supplies with
/// skipped weeks, quarterly insurance, card subscriptions (one cancelled), a loan; one-off
/// purchases; a few bad debts and partial payments.
struct SyntheticBusiness {
    var rng: SplitMix
    let start: LocalDate
    let end: LocalDate
    var invoices: [Ledger.Document] = []
    var bills: [Ledger.Document] = []
    var purchases: [Ledger.Purchase] = []
    var serial = 0

    static func ledger(seed: UInt64, origin: LocalDate, weeks: Int) -> Ledger {
        var business = SyntheticBusiness(rng: SplitMix(seed: seed), start: origin.adding(days: -395),
                                         end: origin.adding(days: 7 * weeks - 1))
        business.build()
        return Ledger(name: "synthetic-\(seed)", invoices: business.invoices, bills: business.bills,
                      purchases: business.purchases.sorted { ($0.date, $0.id) < ($1.date, $1.id) })
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }
    mutating func cents(_ base: Int, spreadPercent: Int) -> Decimal {
        let spread = base * spreadPercent / 100
        return Decimal(max(base + int(-spread...max(spread, 0)), 100)) / 100
    }
    mutating func id(_ prefix: String) -> String {
        serial += 1
        return "\(prefix)\(serial)"
    }

    /// A date moved off a weekend to the Friday before.
    func weekday(_ date: LocalDate) -> LocalDate {
        switch date.isoWeekday {
        case 6: date.adding(days: -1)
        case 7: date.adding(days: -2)
        default: date
        }
    }

    func monthly(day: Int) -> [LocalDate] {
        var dates: [LocalDate] = []
        var (year, month, _) = start.parts
        while true {
            let last = [31, (year % 4 == 0 ? 29 : 28), 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            let date = LocalDate(year: year, month: month, day: min(day, last))!
            if date > end { return dates }
            if date >= start { dates.append(date) }
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
    }

    mutating func build() {
        // Customers.
        for index in 0..<int(5...10) {
            let party = PartyRef(id: "c\(index)", name: "Customer \(index)")
            let habit = int(0...4)
            let ownLate = int(8...35)
            let gap = int(6...35)
            let terms = [0, 15, 30, 30, 45][int(0...4)]
            let base = int(30_000...600_000)
            var date = start.adding(days: int(0...gap))
            while date <= end {
                let amount = cents(base, spreadPercent: 40)
                let due = date.adding(days: terms)
                var late: Int
                switch habit {
                case 0: late = int(-2...3)
                case 1: late = ownLate + int(-6...6)
                case 2: late = int(0...75)
                case 3: late = int(-8...(-1))
                default: late = chance(50) ? int(0...4) : int(25...50)
                }
                var payments: [Ledger.Settlement] = []
                if !chance(3) {
                    let paidOn = weekday(max(due.adding(days: late), date.adding(days: 1)))
                    if chance(10) {
                        let half = (amount / 2).rounded(scale: 2)
                        payments = [.init(on: paidOn, amount: half),
                                    .init(on: paidOn.adding(days: int(10...30)), amount: amount - half)]
                    } else {
                        payments = [.init(on: paidOn, amount: amount)]
                    }
                }
                invoices.append(.init(id: id("i"), party: party, txnDate: date, dueDate: due, amount: amount,
                                      payments: payments))
                date = date.adding(days: max(3, gap + int(-(gap / 2)...(gap / 2))))
            }
        }
        // Vendors that send bills.
        for index in 0..<int(3...7) {
            let party = PartyRef(id: "v\(index)", name: "Vendor \(index)")
            let monthlyBills = chance(60)
            let terms = int(10...30)
            let habit = int(0...2)
            let ownLate = int(5...25)
            let base = int(20_000...400_000)
            let dates = monthlyBills ? monthly(day: int(1...28)).map { $0.adding(days: int(-2...2)) }
                : stride(from: 0, to: 400, by: int(10...60)).map { start.adding(days: $0 + int(0...9)) }
            for date in dates where date <= end && date >= start {
                let amount = cents(base, spreadPercent: monthlyBills ? 15 : 60)
                let due = date.adding(days: terms)
                let late: Int
                switch habit {
                case 0: late = int(-6...0)
                case 1: late = int(0...3)
                default: late = ownLate + int(-5...5)
                }
                bills.append(.init(id: id("b"), party: party, txnDate: date, dueDate: due, amount: amount,
                                   payments: [.init(on: weekday(max(due.adding(days: late), date)), amount: amount)]))
            }
        }
        // Recurring purchases, each business having most but not all of them.
        if chance(85) {
            let landlord = PartyRef(id: "p-rent", name: "Landlord")
            let rent = int(150_000...900_000)
            let raise = int(3...10)
            let day = [1, 1, 5, 10, 15, 25][int(0...5)]
            for (index, date) in monthly(day: day).enumerated() {
                let amount = Decimal(index >= raise ? rent + rent * 4 / 100 : rent) / 100
                purchases.append(.init(id: id("r"), party: landlord, account: nil, date: weekday(date), amount: amount))
            }
        }
        if chance(85) {
            let payroll = PartyRef(id: "p-pay", name: "Payroll service")
            let base = int(400_000...3_000_000)
            if chance(50) {
                var date = start.adding(days: int(0...13))
                while date.isoWeekday != 5 { date = date.adding(days: 1) }
                while date <= end {
                    purchases.append(.init(id: id("w"), party: payroll, account: nil, date: date,
                                           amount: cents(base, spreadPercent: 4)))
                    date = date.adding(days: 14)
                }
            } else {
                for date in (monthly(day: 15) + monthly(day: 31)).sorted() {
                    purchases.append(.init(id: id("w"), party: payroll, account: nil, date: weekday(date),
                                           amount: cents(base, spreadPercent: 4)))
                }
            }
        }
        if chance(80) {
            let supplier = PartyRef(id: "p-supply", name: "Supply depot")
            let base = int(10_000...90_000)
            var date = start.adding(days: int(0...6))
            while date <= end {
                if !chance(12) {
                    purchases.append(.init(id: id("s"), party: supplier, account: nil, date: date.adding(days: int(-1...1)),
                                           amount: cents(base, spreadPercent: 35)))
                }
                date = date.adding(days: 7)
            }
        }
        if chance(70) {
            let insurer = PartyRef(id: "p-ins", name: "Insurer")
            let amount = Decimal(int(60_000...500_000)) / 100
            let day = int(1...28)
            for (index, date) in monthly(day: day).enumerated() where index % 3 == 0 {
                purchases.append(.init(id: id("q"), party: insurer, account: nil, date: date, amount: amount))
            }
        }
        let cancelled = int(0...3)
        for index in 0..<int(2...4) {
            let account = PartyRef(id: "a-\(index)", name: "Software subscriptions \(index)")
            let amount = Decimal(int(1_500...40_000)) / 100
            let stop = index == cancelled ? start.adding(days: int(120...300)) : end
            for date in monthly(day: int(1...28)) where date <= stop {
                purchases.append(.init(id: id("c"), party: nil, account: account, date: date, amount: amount))
            }
        }
        if chance(50) {
            let bank = PartyRef(id: "p-loan", name: "Bank loan")
            let amount = Decimal(int(50_000...300_000)) / 100
            for date in monthly(day: int(1...28)) {
                purchases.append(.init(id: id("l"), party: bank, account: nil, date: weekday(date), amount: amount))
            }
        }
        // One-off purchases: many payees, a few seen twice or three times.
        for _ in 0..<int(10...40) {
            let payee = int(0...25)
            purchases.append(.init(
                id: id("o"), party: PartyRef(id: "p-one-\(payee)", name: "Payee \(payee)"), account: nil,
                date: start.adding(days: int(0...start.days(until: end))), amount: cents(int(5_000...500_000), spreadPercent: 50)))
        }
    }
}
