import ArgumentParser
import Foundation
import RowCol

struct PayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pay",
        abstract: "Schedule a bill payment in QBO, exactly once.",
        discussion: """
            The payment's idempotency key is derived from the advisor, business, bill, amount and \
            date, so running the same command again — even from two terminals at once — prints the \
            same payment and never pays twice. When QBO cannot be reached the payment waits in the \
            outbox (state pending) and the next `rowcol sync` sends it.
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @OptionGroup var business: BusinessOption
    @Option(help: ArgumentHelp("The QBO id of the bill.", valueName: "id")) var bill: String
    @Option(help: ArgumentHelp("The amount, e.g. 1250.00 (in the bill's currency).", valueName: "decimal")) var amount: String
    @Option(name: .customLong("on"), help: ArgumentHelp("The payment date.", valueName: "YYYY-MM-DD")) var payOn: String
    @Option(help: ArgumentHelp("The bank account to pay from (default: the first bank account).", valueName: "id"))
    var fromAccount: String?
    @Option(help: ArgumentHelp("Seconds to wait when another rowcol holds the advisor.", valueName: "seconds"))
    var waitLock: Int = 30
    @OptionGroup var output: JSONFlag

    func run() async throws {
        let billID = try EntityID(validating: bill)
        let date = try parseDate(payOn, option: "--on")
        let businessID = try business.id
        let payment = try await withSession(workspace, advisor, waitingUpTo: waitLock) { session in
            let ref = session.ref(businessID)
            guard let known = try session.store.reader.bill(billID, of: ref) else {
                throw ValidationError("bill \(billID) is not in the mirror of \(ref); run `rowcol sync` or check the id")
            }
            let money = try parseMoney(amount, currency: known.balance.currency.rawValue)
            return try await session.gateways.schedulePayment(
                business: ref, billID: billID, amount: money, payOn: date, fromAccountID: fromAccount)
        }
        if output.json {
            try printJSON(payment)
        } else {
            print("payment \(payment.id) \(payment.state.rawValue): bill \(payment.billID), \(payment.amount) on \(payment.payOn)"
                + (payment.qboID.map { ", QBO BillPayment \($0)" } ?? "")
                + (payment.failure.map { " — \($0)" } ?? ""))
        }
        if payment.state == .rejected { throw ExitCode.failure }
    }
}

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "List payments waiting to be sent to QBO.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @OptionGroup var output: JSONFlag

    func run() throws {
        let workspace = try self.workspace.open()
        let advisor = try self.advisor.resolve(in: workspace)
        let reader = workspace.mirrorReader(for: advisor)
        var pending: [BillPayment] = []
        for business in try workspace.businesses(of: advisor) {
            pending += try reader.payments(of: BusinessRef(advisor: advisor, business: business)).filter { $0.state == .pending }
        }
        if output.json { return try printJSON(pending) }
        if pending.isEmpty { print("outbox empty") }
        for payment in pending {
            print("\(payment.id)  bill \(payment.billID)  \(payment.amount)  on \(payment.payOn)  pending")
        }
    }
}
