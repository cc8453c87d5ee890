import Foundation

/// Builds a company with months of history (`"history_months"` > 0), deterministic by seed and
/// relative to the sandbox's today.
///
/// The caller's `bills` and `invoices` are the totals the company holds: they are spread over the
/// months, and each is settled when its party's habit says — customers who pay on time, about
/// three weeks late, or erratically (sometimes in two parts, now and then never); vendors the
/// company pays early, promptly or late — through real `Payment` and `BillPayment` records (one per
/// party and day), so balances, `LinkedTxn`, queries and CDC agree. What is not settled by today
/// stays open: recent items, overdue ones of late payers, bills due months out, partly paid ones.
/// On top come the purchases: monthly rent, biweekly payroll, weekly supplies, quarterly
/// insurance, one-offs; with enough bills, a monthly telephone and utilities bill as well.
///
/// Amounts scale with the company: recurring costs follow its monthly bills, and its invoices are
/// sized so that revenue covers its costs within a margin the seed picks. The checking account's
/// balance is the sum of its history, never below a seeded cushion; the card's carries every
/// charge; A/P and A/R hold the open bills and invoices.
enum HistorySeeder {
    /// Payees of the recurring series, apart from the vendors of ordinary bills.
    private static let seriesVendors = [
        "Bayshore Properties", "Marina Payroll Services", "Harbor Office Supply",
        "Coastal Mutual Insurance", "Pacific Bell Business", "Bayshore Water & Power",
    ]
    /// Expense accounts beyond those of the seeding without history.
    private static let historyExpenseAccounts = [
        ("Payroll Expenses", "PayrollExpenses"), ("Meals and Entertainment", "EntertainmentMeals"),
        ("Automobile", "Auto"),
    ]
    /// One-off purchases: what, booked where, and how large against the average one-off (percent).
    private static let oneOffs: [(note: String?, account: String, percents: ClosedRange<Int>)] = [
        ("Bought lunch for crew", "Meals and Entertainment", 10...60),
        ("Client dinner", "Meals and Entertainment", 30...120),
        ("Fuel", "Automobile", 10...50), (nil, "Automobile", 20...200), ("Hardware store run", "Supplies", 10...80),
        (nil, "Legal & Professional Fees", 100...400), (nil, "Utilities", 30...150),
    ]
    private static let terms = [15, 30, 30, 45, 60]
    private static let netTerms: WireJSON = ["value": "3"]

    static func company(_ request: SeedRequest, now: Int64) -> Company {
        // A stream of its own: the history need not repeat the seeding without it.
        var dice = SeedDice(seed: request.seed &* 0x2545_F491_4F6C_DD1D &+ 0x5EED)
        var company = Company(realm: request.realm, name: "Sandbox Company \(request.realm)")
        company.historyMonths = request.historyMonths
        let today = WireTime.localDay(now)
        let start = HistoryPlan.adding(months: -request.historyMonths, to: today)
        let setup = WireTime.startOfLocalDay(start - 30) + 9 * 3_600_000
        let usd = Seeder.usd
        func add(_ entity: EntityName, _ body: [String: WireJSON]) -> Record {
            let record = Record(id: company.allocateId(), syncToken: 0, created: setup, updated: setup, body: body)
            company.store(entity, record)
            return record
        }
        func account(_ name: String, _ type: String, _ subType: String, _ classification: String) -> Record {
            add(
                .account,
                [
                    "Name": .string(name), "FullyQualifiedName": .string(name), "SubAccount": false, "Active": true,
                    "Classification": .string(classification), "AccountType": .string(type),
                    "AccountSubType": .string(subType),
                    "CurrentBalance": 0, "CurrentBalanceWithSubAccounts": 0, "CurrencyRef": usd,
                ])
        }

        // The chart of accounts; balances are set once the history is known.
        let banks = (0..<max(0, request.accounts)).map { index in
            account(
                index < Seeder.bankNames.count ? Seeder.bankNames[index] : "Bank \(index + 1)", "Bank",
                index == 1 ? "Savings" : "Checking", "Asset")
        }
        let payable = account("Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable", "Liability")
        let receivable = account("Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable", "Asset")
        let card = account("Mastercard", "Credit Card", "CreditCard", "Liability")
        var expenses: [String: Record] = [:]
        for name in Seeder.expenseAccounts {
            expenses[name] = account(name, "Expense", "OtherMiscellaneousExpense", "Expense")
        }
        for (name, subType) in historyExpenseAccounts { expenses[name] = account(name, "Expense", subType, "Expense") }
        let income = account("Services", "Income", "ServiceFeeIncome", "Revenue")
        // Customers' money goes straight to checking; a company without a bank account holds it in Undeposited Funds.
        let checking = banks.first ?? account("Undeposited Funds", "Other Current Asset", "UndepositedFunds", "Asset")

        // The parties and their habits.
        func party(_ entity: EntityName, _ name: String) -> Record {
            add(
                entity,
                [
                    "DisplayName": .string(name), "CompanyName": .string(name), "Active": true, "Balance": 0,
                    "CurrencyRef": usd,
                ])
        }
        func cycled(_ names: [String], _ index: Int) -> String {
            index < names.count ? names[index] : "\(names[index % names.count]) \(index / names.count + 1)"
        }
        let billVendorCount = min(500, max(5, request.bills / 50))
        let customerCount = min(500, max(5, request.invoices / 50))
        var vendors = (0..<billVendorCount).map { party(.vendor, cycled(Seeder.vendorNames, $0)) }
        vendors += seriesVendors.map { party(.vendor, $0) }
        let customers = (0..<customerCount).map { party(.customer, cycled(Seeder.customerNames, $0)) }
        let vendorHabits = PaymentHabit.assign(
            billVendorCount, from: PaymentHabit.vendorHabits, weights: [30, 40, 30], dice: &dice)
        var vendorTraits = vendorHabits.map { habit in
            HistoryPlan.Traits(
                habit: habit, termsDays: dice.pick(terms), sizePercent: dice.int(40...180), byCard: dice.chance(15))
        }
        // The recurring payees are paid when due, by check.
        vendorTraits += seriesVendors.map { _ in HistoryPlan.Traits(habit: .prompt, termsDays: 15, sizePercent: 100) }
        let customerHabits = PaymentHabit.assign(
            customerCount, from: PaymentHabit.customerHabits, weights: [50, 30, 20], dice: &dice)
        let customerTraits = customerHabits.map { habit in
            HistoryPlan.Traits(habit: habit, termsDays: dice.pick(terms), sizePercent: dice.int(30...200))
        }

        // Sizes, in cents: the recurring costs follow the bills' monthly run rate.
        let months = request.historyMonths
        let runRate = max(200_000, request.bills * 252_500 / months)
        let rent = max(150_000, runRate / 4) / 10_000 * 10_000
        let payroll = max(200_000, runRate * 40 / 100)
        let supplies = max(10_000, runRate * 15 / 1000)
        let insurance = max(90_000, runRate * 15 / 100) / 100 * 100
        let oneOff = max(5_000, runRate * 3 / 100)
        let bank = banks.isEmpty ? "CreditCard" : "Check"
        let cash = banks.isEmpty ? "CreditCard" : "Cash"
        let firstSeriesVendor = billVendorCount

        var planner = HistoryPlanner(dice: dice, today: today, start: start)
        let monthStarts = (0...months).map { HistoryPlan.adding(months: -$0, to: today, dayOfMonth: 1) }.reversed()
        func monthly(_ dayOfMonth: Int) -> [Int64] { monthStarts.map { $0 + Int64(dayOfMonth - 1) } }
        func every(_ days: Int64, from weekday: Int, offset: Int64 = 0) -> [Int64] {
            let first = start + Int64((weekday - HistoryPlan.weekday(start) + 7) % 7) + offset
            return Array(stride(from: first, to: today, by: Int(days)))
        }
        planner.addSeries(
            .init(
                name: "rent", cadence: "monthly", isBill: false, payee: firstSeriesVendor, account: "Rent or Lease",
                paymentType: bank, cents: rent), days: monthly(1), percents: 0...0)
        planner.addSeries(
            .init(
                name: "payroll", cadence: "biweekly", isBill: false, payee: firstSeriesVendor + 1,
                account: "Payroll Expenses", paymentType: cash, cents: payroll),
            days: every(14, from: 5, offset: Int64(planner.dice.int(0...1) * 7)), percents: -3...5)
        planner.addSeries(
            .init(
                name: "supplies", cadence: "weekly", isBill: false, payee: firstSeriesVendor + 2, account: "Supplies",
                paymentType: "CreditCard", cents: supplies), days: every(7, from: 2), percents: -40...40, skipPercent: 8
        )
        let quarter = planner.dice.int(0...2)
        planner.addSeries(
            .init(
                name: "insurance", cadence: "quarterly", isBill: false, payee: firstSeriesVendor + 3,
                account: "Insurance",
                paymentType: bank, cents: insurance),
            days: Array(monthly(15).enumerated().filter { ($0.offset + quarter) % 3 == 0 }.map(\.element)),
            percents: 0...0)
        // Monthly bills, when the company has enough bills for them to be a part of its bills and not all of them.
        if request.bills >= 8 * (months + 1) {
            planner.addSeries(
                .init(
                    name: "telephone", cadence: "monthly", isBill: true, payee: firstSeriesVendor + 4,
                    account: "Utilities",
                    paymentType: nil, cents: max(8_000, runRate * 2 / 100)),
                days: monthly(5), percents: -2...2, traits: vendorTraits[firstSeriesVendor + 4], detail: 2)
            planner.addSeries(
                .init(
                    name: "utilities", cadence: "monthly", isBill: true, payee: firstSeriesVendor + 5,
                    account: "Utilities",
                    paymentType: nil, cents: max(15_000, runRate * 4 / 100)),
                days: monthly(20), percents: -15...25, traits: vendorTraits[firstSeriesVendor + 5], detail: 2)
        }
        let oneOffCount = months * planner.dice.int(2...4)
        for _ in 0..<oneOffCount {
            let kind = planner.dice.pick(oneOffs)
            let roll = planner.dice.int(0...99)
            let type = roll < 55 ? "CreditCard" : (roll < 80 ? cash : bank)
            let payee = planner.dice.chance(60) ? planner.dice.int(0...billVendorCount - 1) : nil
            planner.addOneOff(
                paymentType: type, payee: payee, account: kind.account,
                cents: max(500, oneOff * planner.dice.int(kind.percents) / 100), note: kind.note)
        }
        for _ in 0..<max(0, request.bills - planner.plan.items.count) {
            let vendor = planner.dice.int(0...billVendorCount - 1)
            let cents = max(1_000, planner.dice.int(5_000...500_000) * vendorTraits[vendor].sizePercent / 100)
            planner.add(
                isBill: true, party: vendor, traits: vendorTraits[vendor], txnDay: planner.someDay(), cents: cents,
                detail: planner.dice.int(0...Seeder.expenseAccounts.count - 1))
        }
        // Invoices sized so that revenue covers the monthly costs within a margin of 95 to 125 %.
        let costs = planner.plan.expenses.reduce(0) { $0 + $1.cents } + planner.plan.items.reduce(0) { $0 + $1.cents }
        let costsPerMonth = costs / months
        let revenue = costsPerMonth * planner.dice.int(95...125) / 100
        let unitPrice = request.invoices > 0 ? max(2_500, revenue * months / request.invoices * 2 / 21) : 0
        for _ in 0..<max(0, request.invoices) {
            let customer = planner.dice.int(0...customerCount - 1)
            let quantity = planner.dice.int(1...20)
            let price = max(100, planner.dice.vary(unitPrice * customerTraits[customer].sizePercent / 100, -50...50))
            planner.add(
                isBill: false, party: customer, traits: customerTraits[customer], txnDay: planner.someDay(),
                cents: price * quantity, quantity: quantity)
        }

        let refs = Refs(
            vendors: vendors, customers: customers, banks: banks, checking: checking, card: card, payable: payable,
            expenses: expenses, income: income)
        var builder = HistoryRecords(plan: planner.plan, refs: refs, vendorTraits: vendorTraits)
        builder.build(into: &company)
        builder.setBalances(in: &company, dice: &planner.dice, receivable: receivable)
        company.history = HistoryProfile(
            months: months, startDate: WireTime.formatDate(day: start),
            customers: zip(customers, zip(customerHabits, customerTraits)).map {
                .init(id: $0.id, name: name($0), habit: $1.0, termsDays: $1.1.termsDays)
            },
            vendors: zip(vendors, vendorTraits).map {
                .init(id: $0.id, name: name($0), habit: $1.habit, termsDays: $1.termsDays)
            },
            series: planner.plan.series.map { series in
                .init(
                    name: series.name, cadence: series.cadence, entity: series.isBill ? "Bill" : "Purchase",
                    payeeId: vendors[series.payee].id,
                    payee: name(vendors[series.payee]), account: series.account, paymentType: series.paymentType,
                    typicalAmount: Cents.amount(series.cents), occurrences: series.occurrences)
            },
            oneOffPurchases: planner.plan.expenses.filter { $0.series == nil }.count)
        return company
    }

    private static func name(_ record: Record) -> String { record.body["DisplayName"]?.stringValue ?? "" }

    /// The records the history's transactions point to.
    struct Refs {
        var vendors: [Record]
        var customers: [Record]
        var banks: [Record]
        var checking: Record
        var card: Record
        var payable: Record
        var expenses: [String: Record]
        var income: Record
    }
}
