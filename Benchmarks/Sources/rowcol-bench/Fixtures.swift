import Foundation
import RowCol

/// Deterministic, realistic data: bills, invoices and accounts shaped like QBO's (the `qbo` body
/// follows /work/shared/fixtures/qbo/json/bill_open_balance.json).
enum Fixtures {
    static let advisor = AdvisorID(unchecked: "bench-advisor")
    static let usd = CurrencyCode.usd
    static let today = LocalDate(Date())

    static func amount(_ i: Int, salt: Int) -> Decimal {
        // Cents from a fixed recipe: 10.00 ... 5,009.99, exact.
        Decimal((i &* 7919 &+ salt &* 104_729) % 500_000 + 1_000) / 100
    }

    static func bill(_ i: Int) -> Bill {
        let total = amount(i, salt: 1)
        // A quarter fully paid, a quarter partly paid, half open.
        let balance: Decimal = i % 4 == 0 ? 0 : (i % 4 == 1 ? total / 2 : total)
        let txn = LocalDate(daysSinceEpoch: today.daysSinceEpoch - (i % 90))
        let due = LocalDate(daysSinceEpoch: txn.daysSinceEpoch + 30 + (i % 60))
        return Bill(
            id: EntityID(unchecked: String(1000 + i)), vendor: PartyRef(id: String(i % 97 + 1), name: "Vendor \(i % 97 + 1)"),
            docNumber: "B-\(i)", txnDate: txn, dueDate: due, total: Money(total, usd), balance: Money(balance, usd),
            linkedPaymentIDs: i % 4 == 0 ? [String(900_000 + i)] : [])
    }

    static func invoice(_ i: Int) -> Invoice {
        let total = amount(i, salt: 2)
        let balance: Decimal = i % 3 == 0 ? 0 : total
        let txn = LocalDate(daysSinceEpoch: today.daysSinceEpoch - (i % 90))
        let due = LocalDate(daysSinceEpoch: txn.daysSinceEpoch + 30)
        return Invoice(
            id: EntityID(unchecked: String(500_000 + i)), customer: PartyRef(id: String(i % 53 + 1), name: "Customer \(i % 53 + 1)"),
            docNumber: "I-\(i)", txnDate: txn, dueDate: due, total: Money(total, usd), balance: Money(balance, usd),
            emailStatus: "EmailSent")
    }

    static func balance(_ i: Int) -> AccountBalance {
        AccountBalance(
            id: EntityID(unchecked: String(30 + i)), name: "Checking \(i)", accountType: "Bank", classification: "Asset",
            currentBalance: Money(Decimal(250_000 + i * 1_000), usd))
    }

    static func ref(_ text: String, _ name: String? = nil) -> JSONValue {
        var object: [String: JSONValue] = ["value": .string(text)]
        if let name { object["name"] = .string(name) }
        return .object(object)
    }

    /// A QBO Bill body as the API returns it.
    static func qboBill(_ bill: Bill) -> JSONValue {
        let stamp = "\(bill.txnDate?.description ?? "2026-01-01")T12:36:59-08:00"
        return .object([
            "Id": .string(bill.id.rawValue), "SyncToken": .string("0"), "domain": .string("QBO"), "sparse": .bool(false),
            "MetaData": .object(["CreateTime": .string(stamp), "LastUpdatedTime": .string(stamp)]),
            "DocNumber": .string(bill.docNumber ?? ""),
            "TxnDate": .string(bill.txnDate?.description ?? ""), "DueDate": .string(bill.dueDate?.description ?? ""),
            "CurrencyRef": ref("USD", "United States Dollar"),
            "Line": .array([.object([
                "Id": .string("1"), "LineNum": .number(1), "Amount": .number(bill.total.amount),
                "DetailType": .string("AccountBasedExpenseLineDetail"),
                "AccountBasedExpenseLineDetail": .object([
                    "AccountRef": ref("69", "Legal & Professional Fees:Accounting"),
                    "BillableStatus": .string("NotBillable"), "TaxCodeRef": ref("NON"),
                ]),
            ])]),
            "VendorRef": ref(bill.vendor.id, bill.vendor.name), "APAccountRef": ref("33", "Accounts Payable (A/P)"),
            "TotalAmt": .number(bill.total.amount), "Balance": .number(bill.balance.amount),
        ])
    }

    static func qboInvoice(_ invoice: Invoice) -> JSONValue {
        let stamp = "\(invoice.txnDate?.description ?? "2026-01-01")T10:00:00-08:00"
        return .object([
            "Id": .string(invoice.id.rawValue), "SyncToken": .string("0"), "domain": .string("QBO"),
            "MetaData": .object(["CreateTime": .string(stamp), "LastUpdatedTime": .string(stamp)]),
            "DocNumber": .string(invoice.docNumber ?? ""),
            "TxnDate": .string(invoice.txnDate?.description ?? ""), "DueDate": .string(invoice.dueDate?.description ?? ""),
            "CurrencyRef": ref("USD", "United States Dollar"),
            "Line": .array([.object([
                "Id": .string("1"), "LineNum": .number(1), "Amount": .number(invoice.total.amount),
                "DetailType": .string("SalesItemLineDetail"),
                "SalesItemLineDetail": .object(["ItemRef": ref("1", "Services"), "TaxCodeRef": ref("NON")]),
            ])]),
            "CustomerRef": ref(invoice.customer.id, invoice.customer.name), "EmailStatus": .string("EmailSent"),
            "TotalAmt": .number(invoice.total.amount), "Balance": .number(invoice.balance.amount),
        ])
    }

    static func billChange(_ i: Int) throws -> MirrorChange {
        let bill = bill(i)
        return try .upsert(.bill, id: bill.id, value: bill, qbo: qboBill(bill), sourceVersion: "0",
                           updatedAt: "\(bill.txnDate!.description)T20:36:59Z")
    }

    static func invoiceChange(_ i: Int) throws -> MirrorChange {
        let invoice = invoice(i)
        return try .upsert(.invoice, id: invoice.id, value: invoice, qbo: qboInvoice(invoice), sourceVersion: "0",
                           updatedAt: "\(invoice.txnDate!.description)T18:00:00Z")
    }

    static func balanceChange(_ i: Int) throws -> MirrorChange {
        let account = balance(i)
        return try .upsert(.balance, id: account.id, value: account, qbo: nil, sourceVersion: "0", updatedAt: nil)
    }

    /// One fetched record carrying `changes`, as a sync page would commit it.
    static func record(_ business: BusinessID, _ changes: [MirrorChange], operation: String = "query Bill") -> LogRecord {
        LogRecord(business: business, direction: .inbound, operation: operation, phase: .fetched, httpCode: 200,
                  payload: LogPayload(changes: changes))
    }

    /// A small record with no mirror change (what a single log append looks like).
    static func smallRecord(_ business: BusinessID, _ i: Int) -> LogRecord {
        LogRecord(business: business, direction: .outbound, operation: "create BillPayment", phase: .intent,
                  idemKey: "bench-\(i)", payload: LogPayload(request: .object(["Amount": .number(Decimal(i)), "TxnId": .string(String(i))])))
    }

    /// A new workspace under `folder` with the bench advisor and `businesses` businesses.
    static func workspace(at folder: URL, businesses: [BusinessID]) throws -> Workspace {
        try? FileManager.default.removeItem(at: folder)
        let workspace = try Workspace.create(at: folder)
        _ = try workspace.addAdvisor(advisor, displayName: "Bench Advisor")
        for (index, business) in businesses.enumerated() {
            try workspace.addBusiness(BusinessInfo(
                advisor: advisor, business: business, realmID: String(9_130_000 + index), environment: "local",
                baseURL: "http://127.0.0.1:1", displayName: "Bench \(business.rawValue)"))
        }
        return workspace
    }
}
