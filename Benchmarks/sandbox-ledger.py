#!/usr/bin/env python3
"""Turn QBO sandbox companies into backtest Ledgers (Sources/rowcol-backtest/Ledger.swift), through
QBO's wire API only: Invoice, Bill, Payment, BillPayment and Purchase queries, paged, then joined
(an invoice's payments are the Payment lines whose LinkedTxn names it with TxnType Invoice, a bill's
the BillPayment lines naming it). Standard library only; money is Decimal end to end.

  python3 Benchmarks/sandbox-ledger.py --rowcol PATH/TO/rowcol --seeds 1,2,3 --independent --out DIR
  python3 Benchmarks/sandbox-ledger.py --base-url http://127.0.0.1:PORT --seeds 4 --out DIR

--rowcol starts `rowcol sandbox serve --port 0 --no-throttle` (a binary whose sandbox seeds history:
`history_months`) and stops it at the end; --base-url uses a sandbox already running. --independent
also builds a company of its own through the wire API (POST invoice, bill, payment, billpayment,
purchase with past dates), with payment habits written here, not the sandbox seeder's.
Each company becomes DIR/<name>.json; run `rowcol-backtest --ledger DIR/<name>.json`.
"""

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

CENT = Decimal("0.01")


def dumps(value):
    """JSON text with Decimals written as exact numbers (json.dumps knows no Decimal)."""
    if isinstance(value, Decimal):
        return format(value.quantize(CENT), "f")
    if isinstance(value, dict):
        return "{" + ", ".join(json.dumps(k) + ": " + dumps(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(dumps(v) for v in value) + "]"
    return json.dumps(value)


def loads(data):
    return json.loads(data, parse_float=Decimal)


class Sandbox:
    def __init__(self, base):
        self.base = base.rstrip("/")

    def call(self, method, path, body=None, token=None, query=None):
        url = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return loads(response.read())
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{method} {path} failed: HTTP {error.code} {error.read().decode(errors='replace')}")

    def create_realm(self, realm, **fields):
        return self.call("POST", "/__sandbox/realms", dict(realm=realm, **fields))

    def token(self, realm):
        return self.call("POST", f"/__sandbox/realms/{realm}/tokens")["access_token"]


class Company:
    """One realm seen through the Accounting API with one access token."""

    def __init__(self, sandbox, realm):
        self.sandbox, self.realm = sandbox, realm
        self.token = sandbox.token(realm)

    def query_all(self, entity):
        rows, start = [], 1
        while True:
            statement = f"SELECT * FROM {entity} STARTPOSITION {start} MAXRESULTS 1000"
            answer = self.sandbox.call("GET", f"/v3/company/{self.realm}/query", token=self.token,
                                       query={"query": statement, "minorversion": "75"})
            page = answer["QueryResponse"].get(entity, [])
            rows += page
            if len(page) < 1000:
                return rows
            start += len(page)

    def post(self, entity, body):
        answer = self.sandbox.call("POST", f"/v3/company/{self.realm}/{entity.lower()}", body, token=self.token,
                                   query={"minorversion": "75"})
        return answer[entity]


def party(ref):
    if not ref:
        return None
    out = {"id": str(ref["value"])}
    if ref.get("name"):
        out["name"] = ref["name"]
    return out


def ledger_of(company, name):
    """The Ledger JSON object of a realm, from its wire entities only."""
    settlements = {"Invoice": {}, "Bill": {}}
    for entity, linked_type in (("Payment", "Invoice"), ("BillPayment", "Bill")):
        for payment in company.query_all(entity):
            for line in payment.get("Line", []):
                amount = Decimal(line.get("Amount", 0))
                if amount == 0:  # a voided payment keeps its lines at 0
                    continue
                for link in line.get("LinkedTxn", []):
                    if link.get("TxnType") == linked_type:
                        settlements[linked_type].setdefault(str(link["TxnId"]), []).append(
                            {"on": payment["TxnDate"], "amount": amount})

    def documents(entity, party_key):
        out = []
        for row in company.query_all(entity):
            total = Decimal(row.get("TotalAmt", 0))
            if total == 0:  # voided
                continue
            payments = sorted(settlements[entity].get(str(row["Id"]), []), key=lambda s: s["on"])
            # The join must agree with the company's own books: what is open is what was not paid.
            balance = Decimal(row.get("Balance", total))
            if total - sum((p["amount"] for p in payments), Decimal(0)) != balance:
                raise SystemExit(f"{name}: {entity} {row['Id']} has Balance {balance} but total {total} "
                                 f"less its linked payments {[str(p['amount']) for p in payments]}")
            out.append({"id": str(row["Id"]), "party": party(row.get(party_key)), "txn_date": row["TxnDate"],
                        "due_date": row.get("DueDate", row["TxnDate"]), "amount": total, "payments": payments})
        return out

    purchases = []
    for row in company.query_all("Purchase"):
        total = Decimal(row.get("TotalAmt", 0))
        if row.get("Credit") is True:  # a card refund brings money back
            total = -total
        account = None
        for line in row.get("Line", []):
            detail = line.get("AccountBasedExpenseLineDetail")
            if detail and detail.get("AccountRef"):
                account = party(detail["AccountRef"])
                break
        purchase = {"id": str(row["Id"]), "date": row["TxnDate"], "amount": total}
        if row.get("EntityRef"):
            purchase["party"] = party(row["EntityRef"])
        if account:
            purchase["account"] = account
        purchases.append(purchase)
    return {"name": name, "invoices": documents("Invoice", "CustomerRef"), "bills": documents("Bill", "VendorRef"),
            "purchases": purchases}


def money(rng, low, high):
    return (Decimal(rng.randint(int(low * 100), int(high * 100))) / 100).quantize(CENT)


def build_independent(sandbox, realm, seed=2026):
    """A company with habits of its own, written through the wire API with past dates.

    Customers: one pays exactly 10 days after the due date; one pays half on the due date and half
    30 days later; one pays 5 days after the invoice whatever the terms; one settles everything open
    in one payment at each month's end; one pays 35–55 days late. Vendors: a retainer paid on its due
    date, a supplier paid 20 days late, a utility paid 2 days early. Purchases: semi-monthly payroll
    (15th and the month's last day), a software subscription on the 3rd by card, fuel every 9–12
    days, and a few one-offs.
    """
    sandbox.create_realm(realm, seed=seed, bills=0, invoices=0, accounts=1, history_months=0)
    company = Company(sandbox, realm)
    customers = company.query_all("Customer")[:5]
    vendors = company.query_all("Vendor")[:3]
    accounts = company.query_all("Account")
    bank = next(a for a in accounts if a.get("AccountType") == "Bank")
    card = next((a for a in accounts if a.get("AccountType") == "Credit Card"), bank)
    expense = [a for a in accounts if a.get("AccountType") == "Expense"] or [bank]
    ref = lambda row: {"value": row["Id"], "name": row.get("DisplayName") or row.get("Name")}
    rng = random.Random(seed)
    today = dt.date.today() - dt.timedelta(days=1)  # the sandbox refuses nothing past, but no payments ahead
    start = (today.replace(day=1) - dt.timedelta(days=330)).replace(day=1)
    iso = lambda d: d.isoformat()

    def month_starts():
        d = start
        while d <= today:
            yield d
            d = (d + dt.timedelta(days=32)).replace(day=1)

    def month_end(d):
        return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)

    receipts = []  # (date, customer index, [(invoice id, amount)])
    open_batch = []  # customer 3's invoices, settled at month ends
    for month in month_starts():
        for index, customer in enumerate(customers):
            for _ in range(1 if index in (0, 4) else 2):
                issued = month + dt.timedelta(days=rng.randint(0, 25))
                if issued > today:
                    continue
                terms = [30, 30, 45, 15, 30][index]
                due = issued + dt.timedelta(days=terms)
                amount = money(rng, 800, 6000) if index != 4 else money(rng, 9000, 15000)
                invoice = company.post("Invoice", {
                    "CustomerRef": ref(customer), "TxnDate": iso(issued), "DueDate": iso(due),
                    "Line": [{"Amount": amount, "DetailType": "SalesItemLineDetail",
                              "SalesItemLineDetail": {"ItemRef": {"value": "1"}}}]})
                total = Decimal(invoice["TotalAmt"])
                if index == 0:
                    receipts.append((due + dt.timedelta(days=10), index, [(invoice["Id"], total)]))
                elif index == 1:
                    half = (total / 2).quantize(CENT)
                    receipts.append((due, index, [(invoice["Id"], half)]))
                    receipts.append((due + dt.timedelta(days=30), index, [(invoice["Id"], total - half)]))
                elif index == 2:
                    receipts.append((issued + dt.timedelta(days=5), index, [(invoice["Id"], total)]))
                elif index == 3:
                    open_batch.append((issued, invoice["Id"], total))
                else:
                    receipts.append((due + dt.timedelta(days=rng.randint(35, 55)), index, [(invoice["Id"], total)]))
        end = month_end(month)
        batch = [(i, t) for issued, i, t in open_batch if issued <= end]
        if batch:
            receipts.append((end, 3, batch))
            open_batch = [b for b in open_batch if b[0] > end]
    for paid_on, index, lines in sorted(receipts, key=lambda r: r[0]):
        if paid_on > today:
            continue
        total = sum((amount for _, amount in lines), Decimal(0))
        company.post("Payment", {
            "CustomerRef": ref(customers[index]), "TxnDate": iso(paid_on), "TotalAmt": total,
            "DepositToAccountRef": {"value": bank["Id"]},
            "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}]}
                     for invoice_id, amount in lines]})

    for month in month_starts():
        plans = [  # vendor index, issued, due, amount, days paid after due
            (0, month, month + dt.timedelta(days=14), Decimal("2500.00"), 0),
            (1, month + dt.timedelta(days=rng.randint(3, 20)), None, money(rng, 1500, 7000), 20),
            (2, month + dt.timedelta(days=6), month + dt.timedelta(days=26), money(rng, 300, 900), -2),
        ]
        for vendor_index, issued, due, amount, lateness in plans:
            if issued > today:
                continue
            due = due or issued + dt.timedelta(days=30)
            bill = company.post("Bill", {
                "VendorRef": ref(vendors[vendor_index]), "TxnDate": iso(issued), "DueDate": iso(due),
                "Line": [{"Amount": amount, "DetailType": "AccountBasedExpenseLineDetail",
                          "AccountBasedExpenseLineDetail": {
                              "AccountRef": {"value": expense[vendor_index % len(expense)]["Id"]}}}]})
            paid_on = due + dt.timedelta(days=lateness)
            if paid_on <= today:
                company.post("BillPayment", {
                    "VendorRef": ref(vendors[vendor_index]), "TxnDate": iso(paid_on), "PayType": "Check",
                    "CheckPayment": {"BankAccountRef": {"value": bank["Id"]}}, "TotalAmt": Decimal(bill["TotalAmt"]),
                    "Line": [{"Amount": Decimal(bill["TotalAmt"]),
                              "LinkedTxn": [{"TxnId": bill["Id"], "TxnType": "Bill"}]}]})

    def purchase(on, amount, payment_type, account, payee=None, expense_index=0):
        body = {"PaymentType": payment_type, "AccountRef": {"value": account["Id"]}, "TxnDate": iso(on),
                "TotalAmt": amount,
                "Line": [{"Amount": amount, "DetailType": "AccountBasedExpenseLineDetail",
                          "AccountBasedExpenseLineDetail": {
                              "AccountRef": {"value": expense[expense_index % len(expense)]["Id"]}}}]}
        if payee:
            body["EntityRef"] = {"value": payee["Id"], "type": "Vendor"}
        company.post("Purchase", body)

    payroll_vendor = vendors[0]
    for month in month_starts():
        for day in (month.replace(day=15), month_end(month)):
            if day <= today:
                purchase(day, Decimal("4200.00"), "Check", bank, payroll_vendor, 1)
        subscription = month.replace(day=3)
        if subscription <= today:
            purchase(subscription, Decimal("349.00"), "CreditCard" if card is not bank else "Check", card,
                     vendors[2], 2)
    day = start
    while day <= today:
        purchase(day, money(rng, 60, 180), "CreditCard" if card is not bank else "Cash", card, None, 3)
        day += dt.timedelta(days=rng.randint(9, 12))
    for _ in range(6):
        on = start + dt.timedelta(days=rng.randint(0, (today - start).days))
        purchase(on, money(rng, 400, 3000), "Check", bank, vendors[1], 4)
    return company


def start_sandbox(binary):
    process = subprocess.Popen([binary, "sandbox", "serve", "--port", "0", "--no-throttle"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()  # blocks until the server prints where it listens
    if "listening on " not in line:
        process.kill()
        raise SystemExit(f"sandbox did not start: {line!r}")
    return process, line.split("listening on ", 1)[1].strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--rowcol", help="a rowcol binary whose sandbox seeds history; started on port 0")
    where.add_argument("--base-url", help="a sandbox already running")
    parser.add_argument("--seeds", default="1,2,3", help="sandbox seeds, comma separated ('' for none)")
    parser.add_argument("--bills", type=int, default=300)
    parser.add_argument("--invoices", type=int, default=200)
    parser.add_argument("--history-months", type=int, default=12)
    parser.add_argument("--independent", action="store_true", help="also build a company of this script's own")
    parser.add_argument("--out", required=True, help="folder for the ledger files")
    args = parser.parse_args()
    process = None
    base = args.base_url
    if args.rowcol:
        process, base = start_sandbox(args.rowcol)
    try:
        sandbox = Sandbox(base)
        os.makedirs(args.out, exist_ok=True)
        jobs = []
        for seed in [s for s in args.seeds.split(",") if s.strip()]:
            realm = f"seed{seed}"
            sandbox.create_realm(realm, seed=int(seed), bills=args.bills, invoices=args.invoices, accounts=2,
                                 history_months=args.history_months)
            jobs.append((Company(sandbox, realm), f"sandbox seed {seed}", f"sandbox-seed-{seed}.json"))
        if args.independent:
            jobs.append((build_independent(sandbox, "independent"), "independent company (wire-built)",
                         "independent.json"))
        for company, name, file in jobs:
            ledger = ledger_of(company, name)
            path = os.path.join(args.out, file)
            with open(path, "w") as handle:
                handle.write(dumps(ledger) + "\n")
            paid = sum(len(d["payments"]) for d in ledger["invoices"] + ledger["bills"])
            print(f"{path}: {len(ledger['invoices'])} invoices, {len(ledger['bills'])} bills, {paid} settlements, "
                  f"{len(ledger['purchases'])} purchases")
    finally:
        if process:
            process.terminate()
            process.wait(timeout=60)


if __name__ == "__main__":
    sys.exit(main())
