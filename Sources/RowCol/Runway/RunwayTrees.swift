import Foundation
import RowColDomain
import RowColJSON
import RowColRunway
import RowColStore

// A runway report holds one `AgingSummary.Item` per open bill and invoice: `snapshot --json` of
// 25,000 open items spent half its time in their `Encoder` calls. The runway module has no JSON
// code (DESIGN §1), so their trees are written here, where both meet; tests hold them to
// `JSONEncoder`'s bytes.

extension AgingSummary.Item: JSONTreeEncodable {
    public var jsonTree: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id.rawValue), "party": party.jsonTree, "days_overdue": .number(Decimal(daysOverdue)),
            "balance": balance.jsonTree,
        ]
        members["doc_number"] = docNumber.map(JSONValue.string)
        members["due_date"] = dueDate.map(OpenItemEncoding.date)
        members["home_balance"] = homeBalance?.jsonTree
        members["scheduled"] = scheduled?.jsonTree
        members["projected"] = projected?.jsonTree
        members["expected_on"] = expectedOn.map(OpenItemEncoding.date)
        members["basis"] = basis?.jsonTree
        members["week"] = week.map { .number(Decimal($0)) }
        members["usual_days_late"] = usualDaysLate.map { .number(Decimal($0)) }
        return .object(members)
    }
}

extension ProjectionBasis: JSONTreeEncodable {
    public var jsonTree: JSONValue { .object(["code": .string(code.rawValue), "text": .string(text)]) }
}
