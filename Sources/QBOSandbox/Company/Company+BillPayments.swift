import Foundation

/// `BillPayment`: money paid to vendors against their bills.
extension Company {
    /// `POST billpayment` (`PayType` `Check` with `CheckPayment.BankAccountRef`, or `CreditCard` with
    /// `CreditCardPayment.CCAccountRef`; `Line[{Amount, LinkedTxn[{TxnId, TxnType: "Bill"}]}]`):
    /// each bill's Balance drops and it links the payment; the account's balance drops.
    mutating func createBillPayment(body input: [String: WireJSON], now: Int64) throws(QBOFault) -> Record {
        var body = input
        guard let vendor = body["VendorRef"]?["value"]?.lenientText else { throw .missing("VendorRef") }
        let payType = body["PayType"]?.stringValue ?? "Check"
        let accountRef: WireJSON?
        switch payType {
        case "Check": accountRef = body["CheckPayment"]?["BankAccountRef"]
        case "CreditCard": accountRef = body["CreditCardPayment"]?["CCAccountRef"]
        default: throw .badRequest("PayType must be Check or CreditCard, not \(payType)", element: "PayType")
        }
        let accountField = payType == "Check" ? "CheckPayment.BankAccountRef" : "CreditCardPayment.CCAccountRef"
        guard let accountText = accountRef?["value"]?.lenientText else { throw .missing(accountField) }
        guard let accountId = Int(accountText), record(.account, accountId) != nil else {
            throw .invalidReference("account \(accountText) does not exist", element: accountField)
        }
        try Self.checkDates(body)
        guard let lines = body["Line"]?.arrayValue, !lines.isEmpty else { throw .missing("Line") }
        var settled = Effects()
        var normalized: [WireJSON] = []
        for line in lines {
            guard var object = line.objectValue, let amount = object["Amount"]?.decimalValue else { throw .missing("Line.Amount") }
            guard amount > 0 else {
                throw .business("a payment line must pay a positive amount, not \(amount)", element: "Line.Amount")
            }
            let links = object["LinkedTxn"]?.arrayValue ?? []
            guard var link = links.first?.objectValue, links.count == 1 else { throw .missing("Line.LinkedTxn") }
            if let type = link["TxnType"]?.stringValue, type != "Bill" {
                throw .unsupported("the sandbox pays bills only: a BillPayment line cannot link a \(type)", element: "Line.LinkedTxn.TxnType")
            }
            guard let billText = link["TxnId"]?.lenientText, let billId = Int(billText), let bill = record(.bill, billId) else {
                throw .invalidReference("bill \(link["TxnId"]?.lenientText ?? "") does not exist", element: "Line.LinkedTxn.TxnId")
            }
            guard bill.body["VendorRef"]?["value"]?.lenientText == vendor else {
                throw .business("bill \(billId) belongs to another vendor than \(vendor)", element: "Line.LinkedTxn.TxnId")
            }
            let key = Effects.Document(entity: .bill, id: billId)
            let already = settled.settled[key] ?? 0
            let balance = bill.body["Balance"]?.decimalValue ?? 0
            guard amount + already <= balance else {
                throw .business("the payment of \(amount + already) exceeds the open balance \(balance) of bill \(billId)", element: "Line.Amount")
            }
            settled.settled[key] = amount + already
            link["TxnId"] = .string(billText)
            link["TxnType"] = "Bill"
            object["LinkedTxn"] = [.object(link)]
            normalized.append(.object(object))
        }
        let sum = settled.settled.values.reduce(Decimal(0), +)
        if let total = body["TotalAmt"]?.decimalValue {
            guard total == sum else { throw .business("TotalAmt \(total) differs from the sum of the lines \(sum)", element: "TotalAmt") }
        }
        body["Line"] = .array(normalized)
        body["TotalAmt"] = .number(sum)
        body["PayType"] = .string(payType)
        if payType == "Check", var check = body["CheckPayment"]?.objectValue, check["PrintStatus"] == nil {
            check["PrintStatus"] = "NotSet"
            body["CheckPayment"] = .object(check)
        }
        if body["TxnDate"] == nil { body["TxnDate"] = .string(WireTime.formatDate(day: WireTime.localDay(now))) }
        if body["CurrencyRef"] == nil { body["CurrencyRef"] = Seeder.usd }
        let record = Record(id: allocateId(), syncToken: 0, created: now, updated: now, body: body)
        store(.billPayment, record)
        transition(.billPayment, id: record.id, from: .none, to: effects(of: .billPayment, body), now: now)
        return record
    }
}
