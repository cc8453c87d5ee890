import Foundation
import Hummingbird
import RowCol

/// The OpenAPI 3.1 document of `/api/v1/`, served at `/api/v1/openapi.json`.
///
/// Written by hand, next to the routes; `OpenAPITests` keeps it true: every documented path is
/// routed and every API route is documented, and every answer the tests get validates against its
/// schema (objects are closed: a field the document does not name fails the test).
enum OpenAPIDocument {
    static let bytes = ByteBuffer(bytes: document.serialized(.pretty) + [UInt8(ascii: "\n")])

    // MARK: Schema helpers

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    static let string: JSONValue = ["type": "string"]
    static let integer: JSONValue = ["type": "integer"]
    static let number: JSONValue = ["type": "number"]
    static let boolean: JSONValue = ["type": "boolean"]
    static let date: JSONValue = ["type": "string", "format": "date"]
    static let instant: JSONValue = ["type": "string", "format": "date-time"]
    static let anyValue: JSONValue = [:]

    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }
    static func map(_ values: JSONValue) -> JSONValue { ["type": "object", "additionalProperties": values] }
    static func nullable(_ schema: JSONValue) -> JSONValue { ["oneOf": [schema, ["type": "null"]]] }
    static func enumeration(_ values: [String]) -> JSONValue { ["type": "string", "enum": .array(values.map { .string($0) })] }

    /// A closed object: `required` fields always present, `optional` ones omitted when empty.
    static func object(_ required: [String: JSONValue], optional: [String: JSONValue] = [:], description: String? = nil) -> JSONValue {
        var properties = required
        for (key, value) in optional { properties[key] = value }
        var schema: [String: JSONValue] = [
            "type": "object", "properties": .object(properties),
            "required": .array(required.keys.sorted().map { .string($0) }), "additionalProperties": false,
        ]
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    // MARK: Components

    static let schemas: [String: JSONValue] = [
        "Error": object(["error": object(["code": string, "message": string])], description: "What was wrong and what to do."),
        "Money": object(
            ["amount": number, "currency": ["type": "string", "pattern": "^[A-Z]{3}$"]],
            description: "An exact decimal amount (never through a float) and its currency."),
        "Party": object(["id": string], optional: ["name": string]),
        "Business": object(["advisor_id": string, "business_id": string, "name": string]),
        "Freshness": object(["level": enumeration(["fresh", "stale", "stale_hard", "never"]), "refreshed_now": boolean],
                            optional: ["refreshed_at": instant]),
        "Flag": object(["code": string, "business": string, "since": instant, "message": string],
                       optional: ["entity": string], description: "A hygiene flag (DESIGN §5)."),
        "Warning": object(["code": string, "message": string, "ids": array(string)], optional: ["currency": string]),
        "AgingItem": object(
            ["id": string, "party": ref("Party"), "days_overdue": integer, "balance": ref("Money")],
            optional: ["doc_number": string, "due_date": date, "home_balance": ref("Money"), "scheduled": ref("Money"),
                       "projected": ref("Money"), "week": integer, "expected_on": date, "usual_days_late": integer,
                       "basis": object(["code": enumeration(["due_date", "party_history", "business_history", "plan",
                                                              "scenario", "haircut"]), "text": string])]),
        "Aging": object([
            "open_total": ref("Money"), "overdue_total": ref("Money"), "beyond_horizon": ref("Money"), "credits": ref("Money"),
            "buckets": object(["not_due": ref("Money"), "overdue_1_30": ref("Money"), "overdue_31_60": ref("Money"),
                               "overdue_61_90": ref("Money"), "overdue_91_plus": ref("Money")]),
            "items": array(ref("AgingItem")),
        ], optional: ["excluded": anyValue, "haircut": anyValue]),
        "Week": object([
            "index": integer, "start": date, "end": date, "opening": ref("Money"), "receipts": ref("Money"),
            "disbursements": ref("Money"), "net": ref("Money"), "closing": ref("Money"),
        ]),
        "LowestWeek": object(["index": integer, "start": date, "closing": ref("Money")]),
        "RunwayLength": object(["label": string, "first_negative_week": nullable(integer)]),
        "Burn": object(["method": string, "weekly": ref("Money"), "total_net_outflow": ref("Money"), "weeks": integer]),
        "ScheduledPayment": object(
            ["id": string, "bill_id": string, "amount": ref("Money"), "pay_on": date,
             "state": enumeration(["pending", "sent", "confirmed", "rejected"]),
             "treatment": enumeration(["projected", "cleared", "rejected", "beyond_horizon", "unconverted"])],
            optional: ["vendor": ref("Party"), "home_amount": ref("Money"), "week": integer]),
        "Snapshot": object(
            [
                "schema_version": integer, "business": ref("Business"), "as_of": instant, "as_of_date": date,
                "home_currency": string, "week_rule": string,
                "cash": object(["total": ref("Money"), "accounts": array(object(
                    ["id": string, "name": string, "balance": ref("Money")], optional: ["home_balance": ref("Money")]))]),
                "ap": ref("Aging"), "ar": ref("Aging"), "weeks": array(ref("Week")), "lowest_week": ref("LowestWeek"),
                "weeks_of_runway": ref("RunwayLength"), "burn": ref("Burn"), "scheduled_payments": array(ref("ScheduledPayment")),
                "freshness": object(["bills": ref("Freshness"), "invoices": ref("Freshness"), "balances": ref("Freshness")]),
                "flags": array(ref("Flag")), "warnings": array(ref("Warning")),
                "rates": array(object(["currency": string, "rate": number])),
                "unconverted": array(object(["currency": string, "cash": ref("Money"), "ap": ref("Money"), "ar": ref("Money"),
                                             "payments": ref("Money")])),
            ],
            // Issue 13's fields (JSON.md, schema 2): their own shapes are documented there.
            optional: ["recurring": anyValue, "one_offs": anyValue, "plan": anyValue, "alert": anyValue],
            description: "A business's runway snapshot, the shape of `rowcol snapshot --json` (Sources/RowColRunway/JSON.md)."),
        "Console": object(
            ["schema_version": integer, "advisor_id": string, "as_of": instant, "rows": array(object([
                "rank": integer, "business": ref("Business"), "home_currency": string, "cash_on_hand": ref("Money"),
                "ap_total": ref("Money"), "ap_overdue": ref("Money"), "ar_total": ref("Money"), "ar_overdue": ref("Money"),
                "lowest_week": ref("LowestWeek"), "weeks_of_runway": ref("RunwayLength"), "burn": ref("Burn"),
                "flag_codes": array(string), "flag_count": integer, "warning_codes": array(string), "warning_count": integer,
                "freshness": enumeration(["fresh", "stale", "stale_hard", "never"]),
            ], optional: ["alert": anyValue]))],
            description: "Every business ranked by runway risk, the shape of `rowcol console --json`."),
        "WeekItems": object([
            "business": ref("Business"), "week": ref("Week"), "bills": array(ref("AgingItem")), "invoices": array(ref("AgingItem")),
            "payments": array(ref("ScheduledPayment")),
        ]),
        "BillPayment": object(
            ["id": string, "bill_id": string, "amount": ref("Money"), "pay_on": date,
             "state": enumeration(["pending", "sent", "confirmed", "rejected"]), "idem_key": string],
            optional: ["vendor": ref("Party"), "from_account_id": string, "qbo_id": string, "failure": string]),
        "PaymentRequest": object(
            ["bill_id": ["type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$", "description": "The QBO id of the bill."],
             "amount": ["oneOf": [["type": "string", "pattern": "^(?:[1-9][0-9]{0,11}(?:\\.[0-9]{1,2})?|0\\.(?:[1-9][0-9]?|0[1-9]))$"],
                                  ["type": "number", "exclusiveMinimum": 0]],
                        "description": "More than zero: a decimal string (\"1250.00\") or a number, read exactly; at most two decimals."],
             "pay_on": date],
            optional: ["from_account_id": ["type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$",
                                            "description": "The bank account to pay from (default: the first bank account)."]]),
        "PlanEdit": object(
            ["op": enumeration(["expect", "exclude", "one_off", "remove_one_off", "floor"])],
            optional: [
                "kind": enumeration(["bill", "invoice"]), "id": ["type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"],
                "on": ["oneOf": [date, ["type": "null"]]], "excluded": boolean,
                "one_off_id": ["type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"], "name": string,
                "direction": enumeration(["inflow", "outflow"]),
                "amount": ["oneOf": [["type": "string", "pattern": "^[0-9]{1,12}(?:\\.[0-9]{1,2})?$"], ["type": "number"], ["type": "null"]]],
            ],
            description: "expect: kind, id, on (null removes). exclude: kind, id, excluded. one_off: one_off_id, name, direction, "
                + "amount, on. remove_one_off: one_off_id. floor: amount (null: zero)."),
        "PaymentAnswer": object(
            ["outcome": enumeration(["sent", "queued", "rejected"]), "replayed": boolean, "payment": ref("BillPayment"),
             "message": string],
            description: "sent: QBO has it. queued: recorded; the next sync confirms or sends it, do not pay again. rejected: QBO refused it."),
        "SyncReport": object(
            ["business": string, "changed": map(integer), "refreshed": array(string), "payments_sent": integer,
             "pending_writes": integer, "flags": array(ref("Flag")), "synced": boolean],
            optional: ["error": string]),
        "Status": object([
            "advisor_id": string, "read_only": boolean, "webhooks": boolean,
            "scheduler": object(["enabled": boolean, "nightly_recon_hour": integer], optional: ["last_run": instant, "last_recon": instant]),
            "businesses": array(object(
                ["business": string, "realm_id": string, "connection": string, "freshness": map(ref("Freshness")),
                 "documents": map(integer), "pending_writes": integer, "checkpoint": integer, "flags": array(ref("Flag")),
                 "alerts": array(object(["code": string, "since": instant, "message": string]))],
                optional: ["display_name": string])),
        ]),
        "Tray": object([
            "advisor_id": string, "as_of": instant,
            "rules": object(["due_within_days": integer, "chase_after_days_overdue": integer]),
            "bills": array(object(
                ["business": ref("Business"), "bill_id": string, "vendor": ref("Party"), "days_overdue": integer,
                 "reason": enumeration(["overdue", "due_soon", "undated"]), "balance": ref("Money")],
                optional: ["doc_number": string, "due_date": date, "scheduled": ref("Money"), "remaining": ref("Money")])),
            "invoices": array(object(
                ["business": ref("Business"), "invoice_id": string, "customer": ref("Party"), "days_overdue": integer,
                 "balance": ref("Money"), "reminder": string],
                optional: ["doc_number": string, "due_date": date, "usual_days_late": integer])),
            "flags": array(object(["business": ref("Business"), "flag": ref("Flag"),
                                   "action": enumeration(["sync", "reconnect", "review_payment", "check_workspace", "none"]),
                                   "hint": string])),
            "pending_payments": array(object(["business": ref("Business"), "payment": ref("ScheduledPayment")])),
            "rejected_payments": array(object(["business": ref("Business"), "payment": ref("ScheduledPayment")])),
        ]),
        "RunwaySummary": object(["as_of_date": date, "cash": ref("Money"), "weeks_of_runway": ref("RunwayLength"),
                                 "lowest_week": ref("LowestWeek")]),
        "Digest": object([
            "advisor_id": string, "since": string, "since_instant": instant, "as_of": instant,
            "businesses": array(object(
                ["business": ref("Business"), "counts": map(integer), "omitted": integer, "runway_now": ref("RunwaySummary"),
                 "lines": array(object(["at": instant, "kind": enumeration(Digest.Kind.all.map(\.rawValue)), "id": string, "text": string],
                                       optional: ["seq": integer, "amount": ref("Money")]))],
                optional: ["runway_then": ref("RunwaySummary")])),
        ]),
        "LogLine": object(
            ["seq": integer, "at": instant, "business_id": string, "direction": enumeration(["INBOUND", "OUTBOUND"]),
             "operation": string, "phase": enumeration(["fetched", "intent", "result", "lookup"]), "changes": integer,
             "entities": array(string)],
            optional: ["status": string, "http_code": integer, "idem_key": string]),
        "LogEntry": object(
            ["seq": integer, "at": instant, "advisor_id": string, "business_id": string,
             "direction": enumeration(["INBOUND", "OUTBOUND"]), "rail": string, "operation": string,
             "phase": enumeration(["fetched", "intent", "result", "lookup"]), "prev": string],
            optional: ["idem_key": string, "http_code": integer, "status": string, "payload": anyValue, "source_version": string],
            description: "One line of the integration log as stored (DESIGN §3); the payload carries QBO bodies, never credentials."),
    ]

    // MARK: Paths

    static func parameter(_ name: String, in place: String, _ schema: JSONValue, required: Bool = false, _ text: String) -> JSONValue {
        ["name": .string(name), "in": .string(place), "required": .bool(required || place == "path"), "schema": schema,
         "description": .string(text)]
    }

    static let business = parameter("business", in: "path", ["type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"],
                                    "A business of the served advisor; any other is 404.")

    static func answer(_ schema: JSONValue, _ text: String) -> JSONValue {
        ["description": .string(text), "content": ["application/json": ["schema": schema]]]
    }

    static let errors: [String: JSONValue] = [
        "400": answer(ref("Error"), "A parameter or the body is wrong; the message names it."),
        "401": answer(ref("Error"), "No token, or not this server's."),
        "403": answer(ref("Error"), "A cookie request without the CSRF token, another origin, or a read-only server."),
        "404": answer(ref("Error"), "No such business (another advisor's included), bill or line."),
        "421": answer(ref("Error"), "The Host header names another server (DNS rebinding)."),
        "503": answer(ref("Error"), "Another process kept the advisor's writer lock too long; try again."),
    ]

    static func operation(_ id: String, _ summary: String, parameters: [JSONValue] = [], body: JSONValue? = nil,
                          responses: [String: JSONValue]) -> JSONValue {
        var all = errors
        for (code, value) in responses { all[code] = value }
        var operation: [String: JSONValue] = [
            "operationId": .string(id), "summary": .string(summary), "parameters": .array(parameters), "responses": .object(all),
        ]
        if let body { operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": body]]] }
        return .object(operation)
    }

    static let since = parameter("since", in: "query", string, "A date (YYYY-MM-DD, from 00:00 UTC) or an RFC 3339 instant; default 7 days ago.")
    static let limit = parameter("limit", in: "query", ["type": "integer", "minimum": 1, "maximum": 100_000],
                                 "The most lines per business (counts stay exact); default 200.")
    static let search = parameter("q", in: "query", string, "Only items whose id, party, number or due date contain this text.")
    static let sort = parameter("sort", in: "query", enumeration(BusinessPage.itemSorts.map(\.key)), "The order; default due.")

    static let paths: [String: JSONValue] = [
        "/api/v1/openapi.json": ["get": operation("getOpenAPI", "This document.", responses: ["200": answer(["type": "object"], "The document.")])],
        "/api/v1/console": ["get": operation("getConsole", "Every business ranked by runway risk.",
                                             responses: ["200": answer(ref("Console"), "The console.")])],
        "/api/v1/status": ["get": operation("getStatus", "How the server runs; each business's freshness, documents and flags.",
                                            responses: ["200": answer(ref("Status"), "The status.")])],
        "/api/v1/tray": ["get": operation(
            "getTray", "What needs a decision: bills to pay, invoices to chase, flags to fix, payments in flight.",
            parameters: [parameter("days", in: "query", ["type": "integer", "minimum": 0, "maximum": 365],
                                   "Bills due within this many days (overdue ones always); default 7.")],
            responses: ["200": answer(ref("Tray"), "The tray.")])],
        "/api/v1/digest": ["get": operation(
            "getDigest", "What changed since a date, per business, each line with its log seq.", parameters: [since, limit],
            responses: ["200": answer(ref("Digest"), "The digest.")])],
        "/api/v1/log": ["get": operation(
            "getLog", "The integration log in brief, newest first.",
            parameters: [
                parameter("business", in: "query", string, "Only this business's lines."),
                parameter("before", in: "query", ["type": "integer", "minimum": 1], "Only lines older than this seq (the next page)."),
                parameter("limit", in: "query", ["type": "integer", "minimum": 1, "maximum": 1000], "At most this many; default 100."),
            ],
            responses: ["200": answer(array(ref("LogLine")), "The lines.")])],
        "/api/v1/log/{seq}": ["get": operation(
            "getLogLine", "One log line in full.",
            parameters: [parameter("seq", in: "path", ["type": "integer", "minimum": 1], "The line's seq.")],
            responses: ["200": answer(ref("LogEntry"), "The line.")])],
        "/api/v1/sync": ["post": operation(
            "syncAll", "Sync every business now (strict: everything from QBO), in a writer session of its own.",
            responses: ["200": answer(array(ref("SyncReport")), "One report per business; flags say what could not be reached.")])],
        "/api/v1/businesses/{business}/snapshot": ["get": operation(
            "getSnapshot", "The business's runway snapshot, from the mirror as it is, under its plan.",
            parameters: [business, parameter("scenario", in: "query", string, "A scenario of the business's plan; default the base.")],
            responses: ["200": answer(ref("Snapshot"), "The snapshot."),
                        "404": answer(ref("Error"), "No such business, or no such scenario (none without plans).")])],
        "/api/v1/businesses/{business}/plan": [
            "get": operation(
                "getPlan", "The business's plan (plan.json): overrides, exclusions, one-offs, floor, scenarios.",
                parameters: [business],
                responses: ["200": answer(["type": "object"], "The plan document ({} when there is none)."),
                            "404": answer(ref("Error"), "No such business, or a workbench started without plans.")]),
            "post": operation(
                "editPlan", "One edit of the business's plan; the numbers follow at once.", parameters: [business],
                body: ref("PlanEdit"),
                responses: ["200": answer(["type": "object"], "The plan document after the edit."),
                            "422": answer(ref("Error"), "The plan refuses the edit; the message names the field."),
                            "404": answer(ref("Error"), "No such business, or a workbench started without plans.")]),
        ],
        "/api/v1/businesses/{business}/weeks/{week}": ["get": operation(
            "getWeek", "One week of the projection and the items behind it.",
            parameters: [business, parameter("week", in: "path", ["type": "integer", "minimum": 1, "maximum": 13], "1 to 13.")],
            responses: ["200": answer(ref("WeekItems"), "The week and its items.")])],
        "/api/v1/businesses/{business}/bills": ["get": operation(
            "listOpenBills", "Open bills, searched and sorted.", parameters: [business, search, sort],
            responses: ["200": answer(array(ref("AgingItem")), "The bills.")])],
        "/api/v1/businesses/{business}/invoices": ["get": operation(
            "listOpenInvoices", "Open invoices, searched and sorted.", parameters: [business, search, sort],
            responses: ["200": answer(array(ref("AgingItem")), "The invoices.")])],
        "/api/v1/businesses/{business}/payments": [
            "get": operation("listPayments", "Payments scheduled through RowCol, in every state.", parameters: [business],
                             responses: ["200": answer(array(ref("BillPayment")), "The payments, by date.")]),
            "post": operation(
                "createPayment",
                "Pay a bill exactly once. The same Idempotency-Key never pays twice, even from two requests at once; a key reused "
                    + "for another payment is refused. The same bill, amount and date is one payment whatever the key.",
                parameters: [business, parameter("Idempotency-Key", in: "header", ["type": "string", "pattern": "^[!-~]{1,255}$"],
                                                 required: true, "A unique value per payment, sent again unchanged on a retry.")],
                body: ref("PaymentRequest"),
                responses: [
                    "200": answer(ref("PaymentAnswer"), "Already approved: the payment as it stands."),
                    "201": answer(ref("PaymentAnswer"), "Sent: QBO has the payment."),
                    "202": answer(ref("PaymentAnswer"), "Queued: recorded; the next sync confirms or sends it. Do not pay again."),
                    "409": answer(ref("PaymentAnswer"), "Rejected: QBO refused it, or the bill can no longer take it."),
                    "422": answer(ref("Error"), "The amount is more than the bill's open balance, or the key was used for another payment."),
                ]),
        ],
        "/api/v1/businesses/{business}/sync": ["post": operation(
            "syncBusiness", "Sync one business now (strict).", parameters: [business],
            responses: ["200": answer(array(ref("SyncReport")), "Its report.")])],
    ]

    static let document: JSONValue = [
        "openapi": "3.1.0",
        "info": [
            "title": "RowCol workbench API", "version": "1",
            "description": .string(
                "The JSON API of `rowcol serve`: everything its pages show and do. Every request needs the token printed at start, "
                    + "as `Authorization: Bearer` (or the cookie a browser gets). Money is `{amount, currency}` with an exact decimal; "
                    + "dates are YYYY-MM-DD, instants RFC 3339 UTC with milliseconds."),
        ],
        "servers": [["url": "/"]],
        "security": [["bearer": []]],
        "paths": .object(paths),
        "components": [
            "schemas": .object(schemas),
            "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "description": "The token `rowcol serve` printed."]],
        ],
    ]
}
