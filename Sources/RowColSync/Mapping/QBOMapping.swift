import Foundation
import QBO
import RowColDomain
import RowColJSON
import RowColStore

/// Turns QBO's wire objects into domain values and mirror changes. The only place in the kit
/// where QBO types meet domain types.
public enum QBOMapping {
    /// The currency assumed when QBO omits `CurrencyRef` (single-currency companies).
    public static let defaultCurrency = CurrencyCode.usd

    static func currency(_ ref: QBORef?) -> CurrencyCode {
        ref.flatMap { CurrencyCode(rawValue: $0.value) } ?? defaultCurrency
    }

    static func date(_ date: QBODate?) -> LocalDate? { date.flatMap { LocalDate(year: $0.year, month: $0.month, day: $0.day) } }

    static func party(_ ref: QBORef?) -> PartyRef {
        PartyRef(id: ref?.value ?? "", name: ref?.name)
    }

    static func entityID(_ raw: String, entity: String) throws -> EntityID {
        do {
            return try EntityID(validating: raw)
        } catch {
            throw QBOMappingError(entity: entity, id: raw, problem: error.message)
        }
    }

    public static func bill(_ bill: QBOBill) throws -> Bill {
        let currency = currency(bill.currencyRef)
        return Bill(
            id: try entityID(bill.id, entity: "Bill"), vendor: party(bill.vendorRef), docNumber: bill.docNumber,
            txnDate: date(bill.txnDate), dueDate: date(bill.dueDate),
            total: Money(bill.totalAmt ?? 0, currency), balance: Money(bill.balance ?? bill.totalAmt ?? 0, currency),
            linkedPaymentIDs: bill.linkedTxns.filter { $0.txnType?.hasPrefix("BillPayment") ?? false }.map(\.txnID))
    }

    public static func invoice(_ invoice: QBOInvoice) throws -> Invoice {
        let currency = currency(invoice.currencyRef)
        return Invoice(
            id: try entityID(invoice.id, entity: "Invoice"), customer: party(invoice.customerRef),
            docNumber: invoice.docNumber, txnDate: date(invoice.txnDate), dueDate: date(invoice.dueDate),
            total: Money(invoice.totalAmt ?? 0, currency),
            balance: Money(invoice.balance ?? invoice.totalAmt ?? 0, currency), emailStatus: invoice.emailStatus)
    }

    public static func balance(_ account: QBOAccount) throws -> AccountBalance {
        AccountBalance(
            id: try entityID(account.id, entity: "Account"), name: account.name ?? account.fullyQualifiedName ?? account.id,
            accountType: account.accountType ?? "", classification: account.classification,
            currentBalance: Money(account.currentBalance ?? 0, currency(account.currencyRef)),
            active: account.active ?? true)
    }

    // MARK: Mirror changes

    public static func change(_ bill: QBOBill) throws -> MirrorChange {
        try .upsert(.bill, id: try entityID(bill.id, entity: "Bill"), value: self.bill(bill), qbo: bill.raw,
                    sourceVersion: bill.syncToken, updatedAt: bill.metaData?.lastUpdatedTime)
    }

    public static func change(_ invoice: QBOInvoice) throws -> MirrorChange {
        try .upsert(.invoice, id: try entityID(invoice.id, entity: "Invoice"), value: self.invoice(invoice),
                    qbo: invoice.raw, sourceVersion: invoice.syncToken,
                    updatedAt: invoice.metaData?.lastUpdatedTime)
    }

    public static func change(_ account: QBOAccount) throws -> MirrorChange {
        try .upsert(.balance, id: try entityID(account.id, entity: "Account"), value: balance(account),
                    qbo: account.raw, sourceVersion: account.syncToken,
                    updatedAt: account.metaData?.lastUpdatedTime)
    }

    public static func deletion(_ kind: EntityKind, _ deleted: QBODeletedObject) throws -> MirrorChange {
        .delete(kind, id: try entityID(deleted.id, entity: deleted.entity))
    }
}

/// A QBO object that cannot be mirrored (for instance an id that cannot be a file name).
public struct QBOMappingError: Error, Hashable, Sendable, CustomStringConvertible {
    public let entity: String
    public let id: String
    public let problem: String
    public var description: String { "cannot mirror QBO \(entity) \"\(id)\": \(problem)" }
}
