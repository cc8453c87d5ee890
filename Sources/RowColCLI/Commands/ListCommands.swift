import ArgumentParser
import Foundation
import RowCol

/// The gateways' answers as printed by `rowcol bills|invoices|balances`.
struct GatewayOutput<Item: Encodable & Sendable>: Encodable {
    let business: String
    let items: [Item]
    let freshness: Freshness
    let flags: [HygieneFlag]
}

struct ListOptions: ParsableArguments {
    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @OptionGroup var business: BusinessOption
    @Flag(help: "Go to QBO first, whatever the mirror's age.") var strict = false
    @OptionGroup var output: JSONFlag

    var hint: FreshnessHint { strict ? .strict : .cachedOK }
}

func printAnswer<Item: Encodable & Sendable>(
    _ answer: GatewayAnswer<Item>, business: BusinessID, json: Bool, row: (Item) -> String
) throws {
    if json {
        return try printJSON(GatewayOutput(business: business.rawValue, items: answer.items,
                                           freshness: answer.freshness, flags: answer.flags))
    }
    for item in answer.items { print(row(item)) }
    print("\(answer.items.count) item(s); \(answer.freshness.level.rawValue)"
        + (answer.freshness.refreshedAt.map { ", refreshed \(Timestamp($0))" } ?? ""))
    for flag in answer.flags { print("! \(describe(flag))") }
}

struct BillsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bills", abstract: "List a business's bills.")
    @OptionGroup var options: ListOptions
    @Flag(help: "Only bills with an open balance.") var open = false

    func run() async throws {
        let business = try options.business.id
        let answer = try await withSession(options.workspace, options.advisor) { session in
            try await session.gateways.list(ListBillsQuery(business: session.ref(business), hint: options.hint, openOnly: open))
        }
        try printAnswer(answer, business: business, json: options.output.json) { bill in
            "\(bill.id)\t\(bill.vendor.displayName)\tdue \(bill.effectiveDueDate?.description ?? "-")\t\(bill.balance) open of \(bill.total)"
        }
    }
}

struct InvoicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "invoices", abstract: "List a business's invoices.")
    @OptionGroup var options: ListOptions
    @Flag(help: "Only invoices with an open balance.") var open = false

    func run() async throws {
        let business = try options.business.id
        let answer = try await withSession(options.workspace, options.advisor) { session in
            try await session.gateways.list(ListInvoicesQuery(business: session.ref(business), hint: options.hint, openOnly: open))
        }
        try printAnswer(answer, business: business, json: options.output.json) { invoice in
            "\(invoice.id)\t\(invoice.customer.displayName)\tdue \(invoice.effectiveDueDate?.description ?? "-")\t\(invoice.balance) open of \(invoice.total)"
        }
    }
}

struct BalancesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "balances", abstract: "List a business's bank balances.")
    @OptionGroup var options: ListOptions

    func run() async throws {
        let business = try options.business.id
        let answer = try await withSession(options.workspace, options.advisor) { session in
            try await session.gateways.get(BalancesQuery(business: session.ref(business), hint: options.hint))
        }
        try printAnswer(answer, business: business, json: options.output.json) { account in
            "\(account.id)\t\(account.name)\t\(account.accountType)\t\(account.currentBalance)\(account.active ? "" : " (inactive)")"
        }
    }
}

struct PaymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments",
        abstract: "List the bill payments approved through RowCol and where each stands.",
        discussion: "States: pending (in the outbox), sent (QBO took it), confirmed (recon saw it), rejected (with why).")
    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @OptionGroup var business: BusinessOption
    @OptionGroup var output: JSONFlag

    func run() async throws {
        let business = try business.id
        let answer = try await withSession(workspace, advisor) { session in
            try await session.gateways.scheduledPayments(of: session.ref(business))
        }
        try printAnswer(answer, business: business, json: output.json) { payment in
            "\(payment.id)\tbill \(payment.billID)\t\(payment.amount)\ton \(payment.payOn)\t\(payment.state.rawValue)"
                + (payment.qboID.map { "\tQBO \($0)" } ?? "") + (payment.failure.map { "\t\($0)" } ?? "")
        }
    }
}
