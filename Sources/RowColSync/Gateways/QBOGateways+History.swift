import Foundation
import RowColDomain

extension QBOGateways: HistoryGateway {
    /// The kinds a business's history joins, in the order they are read (the payments first: they
    /// say which bills and invoices to read).
    public static let historyKinds: [EntityKind] = [.customerPayment, .billPayment, .bill, .invoice, .purchase]

    /// The paid past of a business (``BusinessHistory``): each kind it joins is read through the
    /// orchestrator as any gateway read is (refreshed first when the hint or its TTL asks), then
    /// joined. A kind QBO cannot give now is answered from the mirror, with its flags.
    public func history(_ query: HistoryQuery) async throws -> HistoryAnswer {
        let mirror = mirror
        let business = query.business
        var freshness: [EntityKind: Freshness] = [:]
        var flags: [HygieneFlag] = []
        func read<Item: Sendable>(
            _ kind: EntityKind, _ items: @escaping @Sendable () throws -> [Item]
        ) async throws -> [Item] {
            let answer = try await answer(kind, business, query.hint, read: items)
            freshness[kind] = answer.freshness
            for flag in answer.flags where !flags.contains(flag) { flags.append(flag) }
            return answer.items
        }
        let received = try await read(.customerPayment) {
            try mirror.values(.customerPayment, as: CustomerPayment.self, of: business)
        }
        let paid = try await read(.billPayment) {
            try mirror.values(.billPayment, as: VendorPayment.self, of: business)
        }
        // Only the documents those payments settle can be history: the open thousands are not read.
        let settled = BusinessHistory.settledDocuments(
            customerPayments: received, vendorPayments: paid, since: query.since)
        let bills = try await read(.bill) { try mirror.bills(settled.bills, of: business) }
        let invoices = try await read(.invoice) { try mirror.invoices(settled.invoices, of: business) }
        let purchases = try await read(.purchase) { try mirror.values(.purchase, as: Purchase.self, of: business) }
        let history = BusinessHistory.assemble(
            bills: bills, invoices: invoices, customerPayments: received, vendorPayments: paid, purchases: purchases,
            since: query.since)
        return HistoryAnswer(history: history, freshness: freshness, flags: flags)
    }
}
