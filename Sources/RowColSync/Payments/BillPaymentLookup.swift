import Foundation
import QBO
import RowColDomain

/// Looks in QBO for a bill payment whose outcome is unknown, before it may be sent again
/// (DESIGN §5, confirm before retry).
///
/// QBO's `requestid` replay is reported unreliable, so RowCol finds its own payments by the marker
/// each one carries in `PrivateNote` (``IdempotencyKey/privateNoteMarker``): first among the
/// payments the bill links to, then among the payments dated the same day (a payment whose bill
/// was deleted, or that QBO did not link). When none is found, the bill as QBO has it now decides
/// whether the payment can still be made.
struct BillPaymentLookup: Sendable {
    /// Answers "not found" without asking QBO: only for the test that proves the suite notices a
    /// broken look-up (a duplicate payment must follow).
    var pretendsNothingIsFound = false

    func find(_ payment: BillPayment, marker: String, client: QBOClient) async throws -> RemoteLookup<BillPayment> {
        if pretendsNothingIsFound { return .notFound }
        let bill: QBOBill?
        do {
            bill = try await client.read(QBOBill.self, id: payment.billID.rawValue)
        } catch QBOError.Code.notFound {
            bill = nil
        }
        for link in bill?.linkedTxns ?? [] where link.txnType?.hasPrefix("BillPayment") ?? false {
            let remote: QBOBillPayment
            do {
                remote = try await client.read(QBOBillPayment.self, id: link.txnID)
            } catch QBOError.Code.notFound {
                continue
            }
            if remote.privateNote?.contains(marker) == true { return .found(QBOGateways.sent(payment, remote)) }
        }
        let sameDay = "TxnDate = '\(payment.payOn.description)'"
        for try await page in client.queryPages(QBOBillPayment.self, where: sameDay, orderBy: "Id") {
            if let remote = page.items.first(where: { $0.privateNote?.contains(marker) == true }) {
                return .found(QBOGateways.sent(payment, remote))
            }
        }
        guard let bill else {
            return .unsendable("bill \(payment.billID) no longer exists in QBO (deleted); the payment was not sent")
        }
        let open = bill.balance ?? 0
        if open <= 0 {
            return .unsendable(
                "bill \(payment.billID) has nothing left to pay in QBO (paid elsewhere or voided); the payment was not sent")
        }
        if payment.amount.amount > open {
            return .unsendable(
                "the payment of \(payment.amount) exceeds bill \(payment.billID)'s open balance of \(open) in QBO; "
                    + "it was not sent: approve the right amount")
        }
        return .notFound
    }
}
