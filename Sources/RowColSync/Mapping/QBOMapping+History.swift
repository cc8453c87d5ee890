import Foundation
import QBO
import RowColDomain
import RowColStore

/// Customer payments, every bill payment and purchases: the history cash timing is learned from.
extension QBOMapping {
    static func account(_ ref: QBORef?) -> AccountRef? { ref.map { AccountRef(id: $0.value, name: $0.name) } }

    public static func customerPayment(_ payment: QBOPayment) throws -> CustomerPayment {
        let currency = currency(payment.currencyRef)
        return CustomerPayment(
            id: try entityID(payment.id, entity: "Payment"), customer: party(payment.customerRef),
            date: date(payment.txnDate), amount: Money(payment.totalAmt ?? 0, currency),
            unapplied: Money(payment.unappliedAmt ?? 0, currency), depositAccount: account(payment.depositToAccountRef),
            invoices: payment.paidInvoices.map { SettledDocument(id: $0.id, amount: Money($0.amount, currency)) })
    }

    public static func vendorPayment(_ payment: QBOBillPayment) throws -> VendorPayment {
        let currency = currency(payment.currencyRef)
        // The ids come from `paidBillIDs`' rule (a link without a type is a bill), with each line's amount.
        let bills = payment.lines.flatMap { line in
            line.linkedTxns.filter { $0.txnType == nil || $0.txnType == "Bill" }
                .map { SettledDocument(id: $0.txnID, amount: Money(line.amount ?? 0, currency)) }
        }
        return VendorPayment(
            id: try entityID(payment.id, entity: "BillPayment"), vendor: party(payment.vendorRef),
            date: date(payment.txnDate), amount: Money(payment.totalAmt ?? 0, currency),
            method: payment.payType.map(PaymentMethod.init(rawValue:)), account: account(payment.paymentAccountRef),
            bills: bills)
    }

    public static func purchase(_ purchase: QBOPurchase) throws -> Purchase {
        let currency = currency(purchase.currencyRef)
        return Purchase(
            id: try entityID(purchase.id, entity: "Purchase"), date: date(purchase.txnDate),
            payee: purchase.entityRef.map { PartyRef(id: $0.value, name: $0.name) }, payeeType: purchase.entityType,
            // QBO requires a PaymentType; a body without one is read as cash, the plainest way out.
            method: PaymentMethod(rawValue: purchase.paymentType ?? PaymentMethod.cash.rawValue),
            account: account(purchase.accountRef), amount: Money(purchase.totalAmt ?? 0, currency),
            isCredit: purchase.credit ?? false,
            lines: purchase.lines.filter { $0.amount != nil }.map { line in
                Purchase.Line(account: account(line.accountRef), amount: Money(line.amount ?? 0, currency))
            })
    }

    // MARK: Mirror changes

    public static func change(_ payment: QBOPayment) throws -> MirrorChange {
        try .upsert(.customerPayment, id: try entityID(payment.id, entity: "Payment"), value: customerPayment(payment),
                    qbo: payment.raw, sourceVersion: payment.syncToken, updatedAt: payment.metaData?.lastUpdatedTime)
    }

    public static func change(_ payment: QBOBillPayment) throws -> MirrorChange {
        try .upsert(.billPayment, id: try entityID(payment.id, entity: "BillPayment"), value: vendorPayment(payment),
                    qbo: payment.raw, sourceVersion: payment.syncToken, updatedAt: payment.metaData?.lastUpdatedTime)
    }

    public static func change(_ purchase: QBOPurchase) throws -> MirrorChange {
        try .upsert(.purchase, id: try entityID(purchase.id, entity: "Purchase"), value: self.purchase(purchase),
                    qbo: purchase.raw, sourceVersion: purchase.syncToken, updatedAt: purchase.metaData?.lastUpdatedTime)
    }
}
