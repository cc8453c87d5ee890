#!/usr/bin/env python3
"""Checks a running QBO sandbox against the surface its README documents, through an HTTP stack
of its own (Python's standard library), the way a third-party QBO client would talk to it.

    python3 Samples/sandbox-conformance.py --base-url http://127.0.0.1:8080

Prints PASS or FAIL per item and a closing count; exits 1 when an item fails, 2 when the sandbox
cannot be reached. It creates its own company (realm) through the control API, so it can run
against a sandbox that other tests use.
"""

import argparse
import base64
import decimal
import http.client
import json
import random
import sys
import urllib.parse
import xml.etree.ElementTree as ET

NS = "{http://schema.intuit.com/finance/v3}"
# The company the script seeds: with the default 12 months of history.
BILLS, INVOICES = 40, 20


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        # Amounts as exact decimals, never binary floating point.
        return json.loads(self.body, parse_float=decimal.Decimal)

    def xml(self):
        return ET.fromstring(self.body)

    def fault_code(self):
        try:
            return self.json()["Fault"]["Error"][0]["code"]
        except (ValueError, KeyError, IndexError):
            return None


def encode_json(value):
    """JSON text with decimal.Decimal amounts written exactly (json.dumps would refuse them or go through float)."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(key)) + ":" + encode_json(item) for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(encode_json(item) for item in value) + "]"
    return json.dumps(value)


class Sandbox:
    def __init__(self, base_url, client_id, client_secret):
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme != "http" or not parsed.hostname:
            raise SystemExit(f"--base-url must be http://host:port, not {base_url!r}")
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.basic = "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self.realm = None
        self.token = None

    def send(self, method, path, body=None, headers=None, timeout=30):
        """One request on a fresh connection; exactly the headers given (no default Accept)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            if isinstance(body, (dict, list)):
                body = encode_json(body).encode()
                headers = {"Content-Type": "application/json", **(headers or {})}
            elif isinstance(body, str):
                body = body.encode()
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    def control(self, method, path, body=None):
        answer = self.send(method, "/__sandbox/" + path, body if body is not None else {}, {"Accept": "application/json"})
        if answer.status >= 300:
            raise AssertionError(f"control {method} {path}: HTTP {answer.status} {answer.text[:200]}")
        return answer.json()

    def api(self, method, path, body=None, accept="application/json", headers=None):
        all_headers = {"Authorization": "Bearer " + self.token}
        if accept is not None:
            all_headers["Accept"] = accept
        all_headers.update(headers or {})
        return self.send(method, f"/v3/company/{self.realm}/{path}", body, all_headers)

    def query(self, statement, accept="application/json"):
        # urlencode writes spaces as "+", as Python's requests and HTML forms do.
        return self.api("GET", "query?" + urllib.parse.urlencode({"query": statement, "minorversion": "75"}), accept=accept)

    def rows(self, statement):
        answer = self.query(statement)
        expect(answer.status == 200, f"{statement}: HTTP {answer.status} {answer.text[:200]}")
        response = answer.json()["QueryResponse"]
        return next((value for value in response.values() if isinstance(value, list)), [])


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


CHECKS = []


def check(name):
    def register(function):
        CHECKS.append((name, function))
        return function
    return register


@check("discovery document names the token endpoint")
def discovery(s):
    answer = s.send("GET", "/.well-known/openid_configuration")
    expect(answer.status == 200, f"HTTP {answer.status}")
    expect(answer.json()["token_endpoint"].endswith("/oauth2/v1/tokens/bearer"), answer.text[:200])


@check("a refresh token rotates at the token endpoint; the old one works 24 hours more, then is invalid_grant")
def refresh(s):
    first = s.control("POST", f"realms/{s.realm}/tokens")
    form = urllib.parse.urlencode({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    headers = {"Authorization": s.basic, "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    answer = s.send("POST", "/oauth2/v1/tokens/bearer", form, headers)
    expect(answer.status == 200, f"HTTP {answer.status} {answer.text[:200]}")
    expect(answer.json()["refresh_token"] != first["refresh_token"], "the refresh token did not change")
    # Intuit: "your previous refresh tokens expire 24 hours after you receive a new one".
    soon = s.send("POST", "/oauth2/v1/tokens/bearer", form, headers)
    expect(soon.status == 200, f"within 24 hours: HTTP {soon.status} {soon.text[:200]}")
    s.control("POST", "clock", {"advance_seconds": 86401})
    s.token = s.control("POST", f"realms/{s.realm}/tokens")["access_token"]
    again = s.send("POST", "/oauth2/v1/tokens/bearer", form, headers)
    expect(again.status == 400 and again.json().get("error") == "invalid_grant", f"HTTP {again.status} {again.text[:200]}")


@check("GET query with '+' for spaces (form encoding)")
def plus_encoding(s):
    expect(len(s.rows("SELECT * FROM Bill MAXRESULTS 5")) == 5, "expected 5 bills")


@check("POST query as application/text, text/plain and a form")
def post_query(s):
    for content_type, body in [("application/text", "SELECT * FROM Bill MAXRESULTS 3"), ("text/plain", "SELECT * FROM Bill MAXRESULTS 3"),
                               ("application/x-www-form-urlencoded", urllib.parse.urlencode({"query": "SELECT * FROM Bill MAXRESULTS 3"}))]:
        answer = s.api("POST", "query", body, headers={"Content-Type": content_type})
        expect(answer.status == 200, f"{content_type}: HTTP {answer.status} {answer.text[:200]}")
        expect(len(answer.json()["QueryResponse"].get("Bill", [])) == 3, f"{content_type}: {answer.text[:200]}")


@check("COUNT(*), lower-case keywords and names")
def count_and_case(s):
    total = s.query("SELECT COUNT(*) FROM Bill").json()["QueryResponse"]["totalCount"]
    expect(total == BILLS, f"totalCount {total}")
    lower = s.query("select count(*) from bill where balance >= '0'").json()["QueryResponse"]["totalCount"]
    expect(lower == total, f"lower case gave {lower}")


@check("every QBO entity answers a query (Item, Deposit, JournalEntry: no rows)")
def every_entity(s):
    for entity in ["Item", "Deposit", "JournalEntry", "TaxCode"]:
        answer = s.query(f"SELECT * FROM {entity}")
        expect(answer.status == 200 and answer.json()["QueryResponse"] == {}, f"{entity}: HTTP {answer.status} {answer.text[:200]}")


@check("faults 4001 (unknown entity, non-queryable property, bad date) and 4000 (syntax)")
def query_faults(s):
    cases = [("SELECT * FROM Custmoer", "4001", "invalid context declaration"),
             ("SELECT * FROM Bill WHERE PrivateNote = 'x'", "4001", "is not queryable"),
             ("SELECT * FROM Bill WHERE DueDate < 'soon'", "4001", "is not a valid date"),
             ("SELEKT * FROM Bill", "4000", "QueryParserError")]
    for statement, code, detail in cases:
        answer = s.query(statement)
        expect(answer.status == 400 and answer.fault_code() == code, f"{statement}: HTTP {answer.status} {answer.text[:200]}")
        expect(detail in answer.json()["Fault"]["Error"][0]["Detail"], f"{statement}: {answer.text[:200]}")


@check("ORDERBY with several properties")
def order_by(s):
    rows = s.rows("SELECT * FROM Bill ORDERBY VendorRef, DueDate DESC MAXRESULTS 1000")
    keys = [(int(r["VendorRef"]["value"]), r["DueDate"]) for r in rows]
    expect(len(keys) == BILLS, f"{len(keys)} rows")
    for a, b in zip(keys, keys[1:]):
        expect(a[0] < b[0] or (a[0] == b[0] and a[1] >= b[1]), f"{a} before {b}")


@check("Accept: application/xml and no Accept answer QBO's XML")
def xml_answers(s):
    for accept in ["application/xml", None]:
        answer = s.query("SELECT * FROM Bill MAXRESULTS 2", accept=accept)
        expect(answer.status == 200 and "xml" in answer.headers.get("content-type", ""), f"Accept {accept}: {answer.headers}")
        root = answer.xml()
        expect(root.tag == NS + "IntuitResponse" and root.get("time"), f"root {root.tag}")
        response = root.find(NS + "QueryResponse")
        expect(response is not None and response.get("maxResults") == "2", answer.text[:300])
        expect(len(response.findall(NS + "Bill")) == 2, answer.text[:300])


@check("create, read, sparse update, stale SyncToken 5010, delete a bill (JSON)")
def bill_lifecycle(s):
    vendor = s.rows("SELECT * FROM Vendor MAXRESULTS 1")[0]
    created = s.api("POST", "bill", {"VendorRef": {"value": vendor["Id"]},
                                     "Line": [{"Amount": 12.34, "DetailType": "AccountBasedExpenseLineDetail",
                                               "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "1"}}}]})
    expect(created.status == 200, f"create: HTTP {created.status} {created.text[:200]}")
    bill = created.json()["Bill"]
    expect(str(bill["TotalAmt"]) == "12.34" and bill["SyncToken"] == "0", created.text[:300])
    read = s.api("GET", f"bill/{bill['Id']}")
    expect(read.status == 200 and read.json()["Bill"]["Id"] == bill["Id"], read.text[:200])
    updated = s.api("POST", "bill", {"Id": bill["Id"], "SyncToken": "0", "sparse": True, "DueDate": "2031-01-31"})
    expect(updated.status == 200 and updated.json()["Bill"]["SyncToken"] == "1", updated.text[:200])
    stale = s.api("POST", "bill", {"Id": bill["Id"], "SyncToken": "0", "sparse": True, "DueDate": "2032-01-31"})
    expect(stale.status == 400 and stale.fault_code() == "5010", stale.text[:200])
    deleted = s.api("POST", "bill?operation=delete", {"Id": bill["Id"], "SyncToken": "1"})
    expect(deleted.status == 200 and deleted.json()["Bill"]["status"] == "Deleted", deleted.text[:200])


@check("create a bill from an XML body")
def xml_body(s):
    vendor = s.rows("SELECT * FROM Vendor MAXRESULTS 1")[0]
    body = (f'<Bill xmlns="http://schema.intuit.com/finance/v3"><VendorRef>{vendor["Id"]}</VendorRef>'
            '<Line><Amount>5.50</Amount><DetailType>AccountBasedExpenseLineDetail</DetailType>'
            '<AccountBasedExpenseLineDetail><AccountRef>1</AccountRef></AccountBasedExpenseLineDetail></Line></Bill>')
    answer = s.api("POST", "bill", body, accept="application/xml", headers={"Content-Type": "application/xml"})
    expect(answer.status == 200, f"HTTP {answer.status} {answer.text[:200]}")
    total = answer.xml().find(NS + "Bill").find(NS + "TotalAmt").text
    expect(total in ("5.5", "5.50"), f"TotalAmt {total}")


def pay(s, bill, bank, requestid):
    body = {"VendorRef": bill["VendorRef"], "PayType": "Check", "TotalAmt": 1,
            "CheckPayment": {"BankAccountRef": {"value": bank["Id"]}},
            "Line": [{"Amount": 1, "LinkedTxn": [{"TxnId": bill["Id"], "TxnType": "Bill"}]}]}
    return s.api("POST", f"billpayment?requestid={requestid}", body)


@check("bill payment: the bill's Balance drops, LinkedTxn; a repeated requestid replays")
def bill_payment(s):
    bill = s.rows("SELECT * FROM Bill WHERE Balance > '10' MAXRESULTS 1")[0]
    bank = s.rows("SELECT * FROM Account WHERE AccountType = 'Bank'")[0]
    tag = f"conf-{random.randrange(1 << 30)}"
    first, second = pay(s, bill, bank, tag), pay(s, bill, bank, tag)
    expect(first.status == 200 and second.status == 200, f"{first.status} {second.status} {first.text[:200]}")
    expect(first.json()["BillPayment"]["Id"] == second.json()["BillPayment"]["Id"], "the replay created another payment")
    after = s.api("GET", f"bill/{bill['Id']}").json()["Bill"]
    expect(after["Balance"] == bill["Balance"] - 1, f"Balance {after['Balance']}")
    expect(any(link["TxnId"] == first.json()["BillPayment"]["Id"] for link in after.get("LinkedTxn", [])), "no LinkedTxn")


@check("faults: drop_after_commit closes with no answer, the payment is applied and counted per bill")
def ambiguous_write(s):
    bill = s.rows("SELECT * FROM Bill WHERE Balance > '10' MAXRESULTS 1")[0]
    bank = s.rows("SELECT * FROM Account WHERE AccountType = 'Bank'")[0]
    before = s.control("GET", "stats").get("billpayments_by_bill", {}).get(s.realm, {}).get(bill["Id"], 0)
    s.control("POST", "faults", {"realm": s.realm, "kind": "drop_after_commit", "path": "billpayment"})
    try:
        answer = pay(s, bill, bank, f"drop-{random.randrange(1 << 30)}")
        raise AssertionError(f"an answer came: HTTP {answer.status}")
    except (http.client.RemoteDisconnected, ConnectionResetError, http.client.BadStatusLine):
        pass
    after = s.control("GET", "stats")["billpayments_by_bill"][s.realm][bill["Id"]]
    expect(after == before + 1, f"payments of bill {bill['Id']}: {before} then {after}")


@check("faults: status_after_commit 503 answers SystemFault after applying")
def status_after_commit(s):
    bill = s.rows("SELECT * FROM Bill WHERE Balance > '10' MAXRESULTS 1")[0]
    bank = s.rows("SELECT * FROM Account WHERE AccountType = 'Bank'")[0]
    s.control("POST", "faults", {"realm": s.realm, "kind": "status_after_commit", "status": 503, "path": "billpayment"})
    tag = f"status-{random.randrange(1 << 30)}"
    failed = pay(s, bill, bank, tag)
    expect(failed.status == 503 and failed.json()["Fault"]["type"] == "SystemFault", failed.text[:200])
    replayed = pay(s, bill, bank, tag)
    expect(replayed.status == 200, "the committed payment's answer replays")


@check("a fault injection with an unknown kind is a 400 naming the kinds")
def bad_fault(s):
    answer = s.send("POST", "/__sandbox/faults", {"kind": "teapot"}, {"Accept": "application/json"})
    expect(answer.status == 400 and "drop_after_commit" in answer.json()["error_description"], answer.text[:200])


@check("CDC takes a date-time without seconds and answers in the order asked")
def cdc(s):
    time = s.query("SELECT COUNT(*) FROM Bill").json()["time"]
    since = time[:16] + time[-6:]
    answer = s.api("GET", "cdc?" + urllib.parse.urlencode({"entities": "Bill,Invoice", "changedSince": since}))
    expect(answer.status == 200, f"{since}: HTTP {answer.status} {answer.text[:200]}")
    expect(len(answer.json()["CDCResponse"][0]["QueryResponse"]) == 2, answer.text[:200])


@check("times carry a Pacific offset (-08:00 or -07:00)")
def pacific(s):
    time = s.query("SELECT COUNT(*) FROM Bill").json()["time"]
    expect(time[-6:] in ("-08:00", "-07:00"), time)


@check("invoice void zeroes the amounts")
def invoice_void(s):
    # A new invoice: QBO does not void one with a payment applied, and the seeded history paid most.
    customer = s.rows("SELECT * FROM Customer MAXRESULTS 1")[0]
    invoice = s.api("POST", "invoice", {"CustomerRef": {"value": customer["Id"]},
                                        "Line": [{"Amount": 40, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}]}).json()["Invoice"]
    answer = s.api("POST", "invoice?operation=void", {"Id": invoice["Id"], "SyncToken": invoice["SyncToken"]})
    expect(answer.status == 200, f"HTTP {answer.status} {answer.text[:200]}")
    voided = answer.json()["Invoice"]
    expect(voided["TotalAmt"] == 0 and voided["Balance"] == 0, answer.text[:200])


def open_invoice(s, minimum=10):
    """A customer's invoice with something left to pay; a new one when the history settled them all."""
    rows = s.rows(f"SELECT * FROM Invoice WHERE Balance > '{minimum}' MAXRESULTS 1")
    if rows:
        return rows[0]
    customer = s.rows("SELECT * FROM Customer MAXRESULTS 1")[0]
    return s.api("POST", "invoice", {"CustomerRef": {"value": customer["Id"]}, "TxnDate": "2025-01-10", "DueDate": "2025-02-09",
                                     "Line": [{"Amount": 500, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}]}).json()["Invoice"]


def fault(answer):
    error = answer.json()["Fault"]["Error"][0]
    return error["code"], error.get("element")


@check("payment: the invoice's Balance drops and links it, the bank rises (SyncToken unmoved); delete takes it back")
def payment_effects(s):
    invoice = open_invoice(s)
    bank = s.rows("SELECT * FROM Account WHERE AccountType = 'Bank'")[0]
    body = {"CustomerRef": invoice["CustomerRef"], "TotalAmt": 10, "DepositToAccountRef": {"value": bank["Id"]}, "TxnDate": "2025-03-01",
            "Line": [{"Amount": 10, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]}
    created = s.api("POST", "payment?minorversion=75", body)
    expect(created.status == 200, f"HTTP {created.status} {created.text[:300]}")
    payment = created.json()["Payment"]
    expect(payment["TxnDate"] == "2025-03-01" and payment["UnappliedAmt"] == 0, created.text[:300])
    after = s.api("GET", f"invoice/{invoice['Id']}").json()["Invoice"]
    expect(after["Balance"] == invoice["Balance"] - 10, f"Balance {after['Balance']}")
    expect({"TxnId": payment["Id"], "TxnType": "Payment"} in after["LinkedTxn"], f"LinkedTxn {after['LinkedTxn']}")
    expect(int(after["SyncToken"]) == int(invoice["SyncToken"]) + 1, "the invoice's SyncToken moves")
    account = s.api("GET", f"account/{bank['Id']}").json()["Account"]
    expect(account["CurrentBalance"] == bank["CurrentBalance"] + 10 and account["SyncToken"] == bank["SyncToken"], str(account)[:200])
    xml = s.api("GET", f"payment/{payment['Id']}", accept="application/xml").xml().find(NS + "Payment")
    names = [e.text for e in xml.iter(NS + "Name")]
    expect(names[:2] == ["txnId", "txnOpenBalance"], f"LineEx as NameValue elements: {names}")
    deleted = s.api("POST", "payment?operation=delete", {"Id": payment["Id"], "SyncToken": payment["SyncToken"]})
    expect(deleted.status == 200 and deleted.json()["Payment"]["status"] == "Deleted", deleted.text[:200])
    expect(s.api("GET", f"invoice/{invoice['Id']}").json()["Invoice"]["Balance"] == invoice["Balance"], "the invoice reopens")
    expect(s.api("GET", f"account/{bank['Id']}").json()["Account"]["CurrentBalance"] == bank["CurrentBalance"], "the money goes back")


@check("payment: Undeposited Funds by default, void zeroes it, and refusals name the field")
def payment_rules(s):
    invoice = open_invoice(s)
    line = [{"Amount": 5, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]
    created = s.api("POST", "payment", {"CustomerRef": invoice["CustomerRef"], "TotalAmt": 5, "Line": line})
    expect(created.status == 200, created.text[:300])
    payment = created.json()["Payment"]
    fund = s.api("GET", f"account/{payment['DepositToAccountRef']['value']}").json()["Account"]
    expect(fund["Name"] == "Undeposited Funds", f"deposited to {fund['Name']}")
    voided = s.api("POST", "payment?operation=update&include=void", {"Id": payment["Id"], "SyncToken": payment["SyncToken"], "sparse": True})
    expect(voided.status == 200 and voided.json()["Payment"]["TotalAmt"] == 0, voided.text[:300])
    expect(s.api("GET", f"invoice/{invoice['Id']}").json()["Invoice"]["Balance"] == invoice["Balance"], "the void reopens the invoice")
    too_much = [{"Amount": invoice["Balance"] + 1, "LinkedTxn": line[0]["LinkedTxn"]}]
    cases = [({"TotalAmt": 5, "Line": line}, ("2020", "CustomerRef")),
             ({"CustomerRef": invoice["CustomerRef"], "Line": line}, ("2020", "TotalAmt")),
             ({"CustomerRef": invoice["CustomerRef"], "TotalAmt": invoice["Balance"] + 1, "Line": too_much}, ("6000", "Line.Amount")),
             ({"CustomerRef": invoice["CustomerRef"], "TotalAmt": 4, "Line": line}, ("6000", "TotalAmt"))]
    for body, expected in cases:
        answer = s.api("POST", "payment", body)
        expect(answer.status == 400 and fault(answer) == expected, f"{expected}: HTTP {answer.status} {answer.text[:200]}")


@check("purchase: a check lowers the bank by the sum of its lines, a card charge needs no payee, refusals name the field")
def purchase(s):
    bank = s.rows("SELECT * FROM Account WHERE AccountType = 'Bank'")[0]
    card = s.rows("SELECT * FROM Account WHERE AccountType = 'Credit Card'")[0]
    expense = s.rows("SELECT * FROM Account WHERE AccountType = 'Expense'")[0]
    vendor = s.rows("SELECT * FROM Vendor MAXRESULTS 1")[0]
    lines = [{"Amount": amount, "DetailType": "AccountBasedExpenseLineDetail",
              "AccountBasedExpenseLineDetail": {"AccountRef": {"value": expense["Id"]}}} for amount in (decimal.Decimal("12.30"), 7)]
    check = s.api("POST", "purchase", {"PaymentType": "Check", "AccountRef": {"value": bank["Id"]},
                                       "EntityRef": {"value": vendor["Id"], "type": "Vendor"}, "Line": lines})
    expect(check.status == 200, check.text[:300])
    created = check.json()["Purchase"]
    expect(created["TotalAmt"] == decimal.Decimal("19.30") and created["EntityRef"]["name"] == vendor["DisplayName"], check.text[:300])
    after = s.api("GET", f"account/{bank['Id']}").json()["Account"]["CurrentBalance"]
    expect(after == bank["CurrentBalance"] - decimal.Decimal("19.30"), f"CurrentBalance {after}")
    charge = s.api("POST", "purchase", {"PaymentType": "CreditCard", "AccountRef": {"value": card["Id"]}, "Line": lines[:1]},
                   accept="application/xml")
    expect(charge.status == 200, charge.text[:300])
    ex = charge.xml().find(NS + "Purchase").find(NS + "PurchaseEx")
    expect(ex is not None and ex.find(NS + "NameValue") is not None, "PurchaseEx as NameValue elements")
    wrong = s.api("POST", "purchase", {"PaymentType": "CreditCard", "AccountRef": {"value": bank["Id"]}, "Line": lines})
    expect(wrong.status == 400 and fault(wrong) == ("6000", "AccountRef"), wrong.text[:200])
    total = s.api("POST", "purchase", {"PaymentType": "Cash", "AccountRef": {"value": bank["Id"]}, "Line": lines, "TotalAmt": 1})
    expect(total.status == 400 and fault(total) == ("6000", "TotalAmt"), total.text[:200])
    void = s.api("POST", "purchase?operation=update&include=void", {"Id": created["Id"], "SyncToken": created["SyncToken"], "sparse": True})
    expect(void.status == 400 and void.fault_code() == "500", "QBO has no void for a purchase")
    deleted = s.api("POST", "purchase?operation=delete", {"Id": created["Id"], "SyncToken": created["SyncToken"]})
    expect(deleted.status == 200, deleted.text[:200])
    expect(s.api("GET", f"account/{bank['Id']}").json()["Account"]["CurrentBalance"] == bank["CurrentBalance"], "delete gives it back")


@check("seeded history: Payment and Purchase by TxnDate, COUNT, ORDERBY and paging; CDC with deleted stubs")
def history(s):
    summary = next(r for r in s.control("GET", "realms")["realms"] if r["realm"] == s.realm)
    expect(summary["history_months"] == 12 and summary["payments"] > 0 and summary["purchases"] > 0, str(summary))
    for entity in ["Payment", "Purchase"]:
        total = s.query(f"SELECT COUNT(*) FROM {entity}").json()["QueryResponse"]["totalCount"]
        paged = s.rows(f"SELECT * FROM {entity} ORDERBY TxnDate DESC, Id STARTPOSITION 1 MAXRESULTS 1000")
        expect(len(paged) == total and total > 0, f"{entity}: {len(paged)} rows of {total}")
        dates = [r["TxnDate"] for r in paged]
        expect(dates == sorted(dates, reverse=True), f"{entity}: ORDERBY TxnDate DESC")
        recent = s.rows(f"SELECT * FROM {entity} WHERE TxnDate >= '{dates[len(dates) // 2]}'")
        expect(0 < len(recent) <= total and all(r["TxnDate"] >= dates[len(dates) // 2] for r in recent), f"{entity} WHERE TxnDate")
        second = s.rows(f"SELECT * FROM {entity} STARTPOSITION 2 MAXRESULTS 1")
        expect(total < 2 or second[0]["Id"] == s.rows(f"SELECT * FROM {entity} MAXRESULTS 2")[1]["Id"], f"{entity}: paging")
    time = s.query("SELECT COUNT(*) FROM Payment").json()["time"]
    purchase = s.rows("SELECT * FROM Purchase ORDERBY TxnDate DESC MAXRESULTS 1")[0]
    s.send("DELETE", f"/__sandbox/realms/{s.realm}/purchase/{purchase['Id']}", headers={"Accept": "application/json"})
    answer = s.api("GET", "cdc?" + urllib.parse.urlencode({"entities": "Payment,Purchase", "changedSince": time}))
    parts = answer.json()["CDCResponse"][0]["QueryResponse"]
    expect(len(parts) == 2, answer.text[:300])
    stubs = parts[1].get("Purchase", [])
    expect(any(p["Id"] == purchase["Id"] and p.get("status") == "Deleted" for p in stubs), answer.text[:300])
    answer = s.send("POST", "/__sandbox/realms", {"history_months": 121}, {"Accept": "application/json"})
    expect(answer.status == 400 and "history_months" in answer.json()["error_description"], answer.text[:200])


@check("CompanyInfo and Preferences read and query")
def singletons(s):
    info = s.api("GET", f"companyinfo/{s.realm}")
    expect(info.status == 200 and info.json()["CompanyInfo"]["CompanyName"], info.text[:200])
    expect(s.api("GET", "preferences").status == 200, "GET preferences")
    expect(len(s.rows("SELECT * FROM Preferences")) == 1, "SELECT * FROM Preferences")


@check("an unknown operation is QBO's Unsupported Operation fault")
def unknown_operation(s):
    answer = s.api("POST", "bill?operation=frobnicate", {"Id": "1", "SyncToken": "0"})
    expect(answer.status == 400 and answer.fault_code() == "500", answer.text[:200])


@check("no token: 401 with the gateway's lower-case fault")
def unauthenticated(s):
    answer = s.send("GET", f"/v3/company/{s.realm}/query?query=SELECT+*+FROM+Bill", headers={"Accept": "application/json"})
    expect(answer.status == 401 and answer.json()["fault"]["error"][0]["code"] == "3200", answer.text[:200])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="the sandbox, e.g. http://127.0.0.1:8080")
    parser.add_argument("--client-id", default="sandbox-client")
    parser.add_argument("--client-secret", default="sandbox-secret")
    arguments = parser.parse_args()
    s = Sandbox(arguments.base_url, arguments.client_id, arguments.client_secret)
    try:
        s.realm = str(random.randrange(10**11, 10**12))
        s.control("POST", "realms", {"realm": s.realm, "seed": 3, "bills": BILLS, "invoices": INVOICES, "accounts": 1})
        s.token = s.control("POST", f"realms/{s.realm}/tokens")["access_token"]
    except (OSError, AssertionError) as error:
        print(f"cannot set up a company on {arguments.base_url}: {error}", file=sys.stderr)
        return 2
    passed = failed = 0
    for name, function in CHECKS:
        try:
            function(s)
            passed += 1
            print(f"PASS {name}")
        except Exception as error:  # one item's failure must not hide the others
            failed += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}")
    print(f"conformance: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
