import Foundation
import RowColJSON

/// A QBO `Bill` (accounts payable).
public struct QBOBill: QBOEntity, Hashable {
    public static let entityName = "Bill"
    public var id: String
    public var syncToken: String?
    public var metaData: QBOMetaData?
    public var vendorRef: QBORef?
    public var apAccountRef: QBORef?
    public var currencyRef: QBORef?
    public var txnDate: QBODate?
    public var dueDate: QBODate?
    public var totalAmt: Decimal?
    /// The open amount still to pay.
    public var balance: Decimal?
    public var docNumber: String?
    public var lines: [QBOLine]
    /// Links to the payments of this bill (`TxnType` `BillPaymentCheck` even for card payments).
    public var linkedTxns: [QBOLinkedTxn]
    public var raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try QBOFields(json, entity: Self.entityName)
        raw = json
        id = try fields.requiredString("Id")
        syncToken = try fields.string("SyncToken")
        metaData = try fields.metaData()
        vendorRef = try fields.ref("VendorRef")
        apAccountRef = try fields.ref("APAccountRef")
        currencyRef = try fields.ref("CurrencyRef")
        txnDate = try fields.date("TxnDate")
        dueDate = try fields.date("DueDate")
        totalAmt = try fields.decimal("TotalAmt")
        balance = try fields.decimal("Balance")
        docNumber = try fields.string("DocNumber")
        lines = try fields.lines()
        linkedTxns = try fields.linkedTxns()
    }
}

/// A QBO `Invoice` (accounts receivable).
public struct QBOInvoice: QBOEntity, Hashable {
    public static let entityName = "Invoice"
    public var id: String
    public var syncToken: String?
    public var metaData: QBOMetaData?
    public var customerRef: QBORef?
    public var currencyRef: QBORef?
    public var txnDate: QBODate?
    public var dueDate: QBODate?
    public var totalAmt: Decimal?
    /// The amount the customer still owes.
    public var balance: Decimal?
    public var docNumber: String?
    public var emailStatus: String?
    public var lines: [QBOLine]
    public var linkedTxns: [QBOLinkedTxn]
    public var raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try QBOFields(json, entity: Self.entityName)
        raw = json
        id = try fields.requiredString("Id")
        syncToken = try fields.string("SyncToken")
        metaData = try fields.metaData()
        customerRef = try fields.ref("CustomerRef")
        currencyRef = try fields.ref("CurrencyRef")
        txnDate = try fields.date("TxnDate")
        dueDate = try fields.date("DueDate")
        totalAmt = try fields.decimal("TotalAmt")
        balance = try fields.decimal("Balance")
        docNumber = try fields.string("DocNumber")
        emailStatus = try fields.string("EmailStatus")
        lines = try fields.lines()
        linkedTxns = try fields.linkedTxns()
    }
}

/// A QBO `Account`; bank balances come from accounts of type `Bank`.
public struct QBOAccount: QBOEntity, Hashable {
    public static let entityName = "Account"
    public var id: String
    public var syncToken: String?
    public var metaData: QBOMetaData?
    public var name: String?
    public var fullyQualifiedName: String?
    /// `Bank`, `Credit Card`, `Accounts Payable`, … (with spaces, as QBO writes them).
    public var accountType: String?
    public var accountSubType: String?
    public var classification: String?
    /// Liabilities carry negative balances.
    public var currentBalance: Decimal?
    public var currentBalanceWithSubAccounts: Decimal?
    public var currencyRef: QBORef?
    /// Accounts are never deleted in QBO, only made inactive.
    public var active: Bool?
    public var raw: JSONValue

    public init(json: JSONValue) throws {
        let fields = try QBOFields(json, entity: Self.entityName)
        raw = json
        id = try fields.requiredString("Id")
        syncToken = try fields.string("SyncToken")
        metaData = try fields.metaData()
        name = try fields.string("Name")
        fullyQualifiedName = try fields.string("FullyQualifiedName")
        accountType = try fields.string("AccountType")
        accountSubType = try fields.string("AccountSubType")
        classification = try fields.string("Classification")
        currentBalance = try fields.decimal("CurrentBalance")
        currentBalanceWithSubAccounts = try fields.decimal("CurrentBalanceWithSubAccounts")
        currencyRef = try fields.ref("CurrencyRef")
        active = try fields.bool("Active")
    }
}

/// A QBO `BillPayment`: pays one or more bills by check or credit card.
public struct QBOBillPayment: QBOEntity, Hashable {
    public static let entityName = "BillPayment"
    public var id: String
    public var syncToken: String?
    public var metaData: QBOMetaData?
    public var vendorRef: QBORef?
    /// `Check` or `CreditCard`.
    public var payType: String?
    /// `CheckPayment.BankAccountRef` for checks, `CreditCardPayment.CCAccountRef` for cards.
    public var paymentAccountRef: QBORef?
    public var currencyRef: QBORef?
    public var txnDate: QBODate?
    public var totalAmt: Decimal?
    public var docNumber: String?
    public var privateNote: String?
    /// Each line pays the bills in its `linkedTxns`.
    public var lines: [QBOLine]
    public var raw: JSONValue

    /// The ids of the bills this payment pays.
    public var paidBillIDs: [String] {
        lines.flatMap(\.linkedTxns).filter { $0.txnType == nil || $0.txnType == "Bill" }.map(\.txnID)
    }

    public init(json: JSONValue) throws {
        let fields = try QBOFields(json, entity: Self.entityName)
        raw = json
        id = try fields.requiredString("Id")
        syncToken = try fields.string("SyncToken")
        metaData = try fields.metaData()
        vendorRef = try fields.ref("VendorRef")
        payType = try fields.string("PayType")
        if let check = try fields.objectValue("CheckPayment") {
            paymentAccountRef = try QBOFields(check, entity: "BillPayment.CheckPayment").ref("BankAccountRef")
        } else if let card = try fields.objectValue("CreditCardPayment") {
            paymentAccountRef = try QBOFields(card, entity: "BillPayment.CreditCardPayment").ref("CCAccountRef")
        }
        currencyRef = try fields.ref("CurrencyRef")
        txnDate = try fields.date("TxnDate")
        totalAmt = try fields.decimal("TotalAmt")
        docNumber = try fields.string("DocNumber")
        privateNote = try fields.string("PrivateNote")
        lines = try fields.lines()
    }
}
