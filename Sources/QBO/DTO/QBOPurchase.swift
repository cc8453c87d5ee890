import Foundation
import RowColJSON

/// A QBO `Purchase`: an expense paid without a bill — by check, cash (or a bank debit) or credit card.
///
/// `AccountRef` is the account paid from (the bank, or the card); the lines book the expense
/// (`AccountBasedExpenseLineDetail.AccountRef`) or an item. `EntityRef` is the payee, whose
/// `type` says whether it is a vendor, a customer or an employee; card receipts often have none.
public struct QBOPurchase: QBOEntity, Hashable {
    public static let entityName = "Purchase"
    public var id: String
    public var syncToken: String?
    public var metaData: QBOMetaData?
    /// The account paid from.
    public var accountRef: QBORef?
    /// `Check`, `Cash` or `CreditCard`.
    public var paymentType: String?
    public var entityRef: QBORef?
    /// `EntityRef.type`: `Vendor`, `Customer` or `Employee`.
    public var entityType: String?
    /// A credit card refund (money back on the card).
    public var credit: Bool?
    public var currencyRef: QBORef?
    public var txnDate: QBODate?
    public var totalAmt: Decimal?
    public var docNumber: String?
    public var privateNote: String?
    public var lines: [QBOLine]
    public var raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try QBOFields(json, entity: Self.entityName)
        raw = json
        id = try fields.requiredString("Id")
        syncToken = try fields.string("SyncToken")
        metaData = try fields.metaData()
        accountRef = try fields.ref("AccountRef")
        paymentType = try fields.string("PaymentType")
        entityRef = try fields.ref("EntityRef")
        entityType = try fields.object("EntityRef")?.string("type")
        credit = try fields.bool("Credit")
        currencyRef = try fields.ref("CurrencyRef")
        txnDate = try fields.date("TxnDate")
        totalAmt = try fields.decimal("TotalAmt")
        docNumber = try fields.string("DocNumber")
        privateNote = try fields.string("PrivateNote")
        lines = try fields.lines()
    }
}
