import Foundation
import RowColJSON

/// A QBO `Payment`: money received from a customer, applied to invoices line by line.
///
/// Each line carries its `Amount` and the `LinkedTxn` it pays (`TxnType` `Invoice`, or
/// `CreditMemo`, `JournalEntry` …); `LineEx` (the invoice's open balance before the payment and
/// its number) is kept in ``QBOLine/raw``. A payment deposited later links the `Deposit` at the top.
public struct QBOPayment: QBOEntity, Hashable {
    public static let entityName = "Payment"
    public var id: String
    public var syncToken: String?
    public var metaData: QBOMetaData?
    public var customerRef: QBORef?
    /// The account the money went to (Undeposited Funds until a deposit moves it).
    public var depositToAccountRef: QBORef?
    public var paymentMethodRef: QBORef?
    public var currencyRef: QBORef?
    public var txnDate: QBODate?
    public var totalAmt: Decimal?
    /// What is not applied to any invoice.
    public var unappliedAmt: Decimal?
    public var paymentRefNum: String?
    public var privateNote: String?
    public var lines: [QBOLine]
    /// Links at the top of the payment (the `Deposit` that took it to the bank).
    public var linkedTxns: [QBOLinkedTxn]
    public var raw: JSONValue

    /// The invoices this payment pays, each with the amount of its line.
    public var paidInvoices: [(id: String, amount: Decimal)] {
        lines.flatMap { line in
            line.linkedTxns.filter { $0.txnType == "Invoice" }.map { ($0.txnID, line.amount ?? 0) }
        }
    }

    public init(json: JSONValue) throws {
        let fields = try QBOFields(json, entity: Self.entityName)
        raw = json
        id = try fields.requiredString("Id")
        syncToken = try fields.string("SyncToken")
        metaData = try fields.metaData()
        customerRef = try fields.ref("CustomerRef")
        depositToAccountRef = try fields.ref("DepositToAccountRef")
        paymentMethodRef = try fields.ref("PaymentMethodRef")
        currencyRef = try fields.ref("CurrencyRef")
        txnDate = try fields.date("TxnDate")
        totalAmt = try fields.decimal("TotalAmt")
        unappliedAmt = try fields.decimal("UnappliedAmt")
        paymentRefNum = try fields.string("PaymentRefNum")
        privateNote = try fields.string("PrivateNote")
        lines = try fields.lines()
        linkedTxns = try fields.linkedTxns()
    }
}
