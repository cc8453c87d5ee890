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
            same payment and never pays twice. When QBO cannot be reached, or its answer is lost, the \
            payment waits in the outbox (state pending): the next `rowcol sync` looks for it in QBO \
            and sends it only if QBO does not have it.

            Exit status: 0 sent (QBO has the payment), 4 queued (recorded; the next sync confirms or \
            sends it — do not pay again), 5 rejected (QBO refused it, or the bill can no longer take \
            it), 1 on any other error (nothing was recorded).
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
        guard let decimal = Money.parseDecimal(amount) else {
            throw ValidationError("invalid --amount \"\(amount)\": expected a decimal such as 1250.00")
        }
        let outcome: (payment: BillPayment, flags: [HygieneFlag])
        do {
            outcome = try await withSession(workspace, advisor, waitingUpTo: waitLock) { session in
                let payment = try await session.payments.pay(
                    bill: billID, of: businessID, amount: decimal, on: date, fromAccount: fromAccount)
                return (payment, try await session.payments.list(of: businessID).flags)
            }
        } catch let error as SyncError where error.code == .writeUnresolved {
            printError(error.message)
            throw ExitCode(exitCodePaymentQueued)
        }
        let payment = outcome.payment
        if output.json {
            try printJSON(payment)
        } else {
            let summary = "payment \(payment.id): bill \(payment.billID), \(payment.amount) on \(payment.payOn)"
            switch payment.state {
            case .sent, .confirmed:
                print("\(summary) — \(payment.state.rawValue)" + (payment.qboID.map { ", QBO BillPayment \($0)" } ?? ""))
            case .pending:
                let reason = outcome.flags.first { BusinessSyncState.railFlags.contains($0.code) }?.message
                print("\(summary) — queued" + (reason.map { " (\($0))" } ?? "")
                    + ". It is recorded; the next `rowcol sync` confirms it in QBO or sends it. Do not pay it again.")
            case .rejected:
                print("\(summary) — rejected: \(payment.failure ?? "QBO refused it")")
            }
        }
        switch payment.state {
        case .sent, .confirmed: break
        case .pending: throw ExitCode(exitCodePaymentQueued)
        case .rejected: throw ExitCode(exitCodePaymentRejected)
        }
    }
}

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "List payments waiting to be sent to QBO.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @OptionGroup var output: JSONFlag

    func run() async throws {
        let workspace = try self.workspace.open()
        let pending = try WorkspaceStatus.outbox(workspace: workspace, advisor: try advisor.resolve(in: workspace))
        if output.json { return try printJSON(pending) }
        if pending.isEmpty { print("outbox empty") }
        for payment in pending {
            print("\(payment.id)  bill \(payment.billID)  \(payment.amount)  on \(payment.payOn)  pending")
        }
    }
}
