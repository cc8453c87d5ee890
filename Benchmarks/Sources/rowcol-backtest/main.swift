import Foundation
import RowCol

// rowcol-backtest: how well the runway's projection of weekly net cash matches what happened.
//
// For each company: forecast from `--weeks` (default 8) before the end of its data with only
// what was known then (the documents issued before, the payments and purchases made before),
// and compare each week's projected net cash with the actual one. The model before issue 13
// (`TimingPolicy.dueDates`: every open item on its due date, overdue ones in week 1, nothing
// recurring) is measured against the learning one (`TimingPolicy.standard`) in the same run.
//
//   swift run -c release --package-path Benchmarks rowcol-backtest [--seeds 1,2,3,4,5] [--weeks 8]
//   swift run -c release --package-path Benchmarks rowcol-backtest --ledger company.json [--origin YYYY-MM-DD]
//   --weekly also prints each company's weeks: actual, old, new, and the flows knowable at the origin.

var seeds: [UInt64] = [1, 2, 3, 4, 5]
var weeks = 8
var ledgers: [String] = []
var origin: LocalDate?
var weekly = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--seeds": seeds = (arguments.popFirst() ?? "").split(separator: ",").compactMap { UInt64($0) }
    case "--weeks": weeks = Int(arguments.popFirst() ?? "") ?? weeks
    case "--ledger": ledgers.append(arguments.popFirst() ?? "")
    case "--origin": origin = arguments.popFirst().flatMap(LocalDate.init)
    case "--weekly": weekly = true
    default:
        FileHandle.standardError.write(
            Data("unknown argument \(argument); see the comment at the top of main.swift\n".utf8))
        exit(2)
    }
}

/// The forecast origin of a ledger: `weeks` before its last dated event.
func defaultOrigin(_ ledger: Ledger, weeks: Int) -> LocalDate {
    let dates = ledger.invoices.flatMap { $0.payments.map(\.on) + [$0.txnDate] }
        + ledger.bills.flatMap { $0.payments.map(\.on) + [$0.txnDate] } + ledger.purchases.map(\.date)
    return (dates.max() ?? LocalDate(Date())).adding(days: 1 - 7 * weeks)
}

var cases: [(String, Backtest)] = []
let syntheticOrigin = LocalDate("2026-09-07")!
if ledgers.isEmpty {
    for seed in seeds {
        cases.append(("synthetic seed \(seed)", Backtest(
            ledger: SyntheticBusiness.ledger(seed: seed, origin: syntheticOrigin, weeks: weeks),
            origin: syntheticOrigin,
            weeks: weeks)))
    }
}
for path in ledgers {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
        exit(1)
    }
    let ledger = try JSONValue.decode(Ledger.self, from: [UInt8](data))
    let start = origin ?? defaultOrigin(ledger, weeks: weeks)
    cases.append((ledger.name, Backtest(ledger: ledger, origin: start, weeks: weeks)))
}

func money(_ value: Decimal) -> String { DisplayFormat.amount(value) }

print("| company | origin | weekly MAE, due dates (old) | weekly MAE, learned (new) | new ÷ old | "
    + "old vs. what was knowable | new vs. what was knowable | mean weekly flow of documents issued later |")
print("|---|---|---|---|---|---|---|---|")
var totalOld: Decimal = 0
var totalNew: Decimal = 0
for (name, backtest) in cases {
    let actual = backtest.actual()
    let known = backtest.actual(knownOnly: true)
    let oldProjected = backtest.projected(.dueDates)
    let old = Backtest.meanAbsoluteError(oldProjected, actual)
    let oldKnowable = Backtest.meanAbsoluteError(oldProjected, known)
    let projected = backtest.projected(.standard)
    let new = Backtest.meanAbsoluteError(projected, actual)
    let knowable = Backtest.meanAbsoluteError(projected, known)
    let unknowable = Backtest.meanAbsoluteError(known, actual)
    totalOld += old
    totalNew += new
    let ratio = old == 0 ? "-" : "\((new / old).rounded(scale: 2))×"
    let cells = [name, "\(backtest.origin)", money(old), money(new), ratio, money(oldKnowable), money(knowable),
                 money(unknowable)]
    print("| " + cells.joined(separator: " | ") + " |")
}
if cases.count > 1, totalOld > 0 {
    print("\nmean over \(cases.count) companies: old \(money(totalOld / Decimal(cases.count))), new "
        + "\(money(totalNew / Decimal(cases.count))), new ÷ old = \((totalNew / totalOld).rounded(scale: 2))× "
        + "(target ≤ 0.6×)")
}
if weekly {
    for (name, backtest) in cases {
        print("\n\(name), from \(backtest.origin): week | actual net | old | new | knowable at the origin")
        let columns = [backtest.actual(), backtest.projected(.dueDates), backtest.projected(.standard),
                       backtest.actual(knownOnly: true)]
        for week in 0..<backtest.weeks {
            print("| \(week + 1) | " + columns.map { money($0[week]) }.joined(separator: " | ") + " |")
        }
    }
}
