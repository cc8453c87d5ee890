import Foundation
import GRDB
import RowCol

/// Case 4: a runway snapshot from a cold process, from the mirror vs from SQLite holding the
/// same data. Both children print the snapshot as JSON; the outputs must be equal.
struct SnapshotCase {
    let folder: URL
    let runs: Int
    let executable: String
    static let business = BusinessID(unchecked: "snap")
    /// A fixed "now" so that both children compute the same snapshot.
    static let asOf = "1767225600"

    func prepare(bills: Int, invoices: Int) async throws -> (workspace: URL, database: URL) {
        let wsURL = folder.appendingPathComponent("ws-snapshot")
        let workspace = try Fixtures.workspace(at: wsURL, businesses: [Self.business])
        let store = try AdvisorStore.open(workspace, advisor: Fixtures.advisor)
        var records: [LogRecord] = []
        for start in stride(from: 0, to: bills, by: 1_000) {
            records.append(Fixtures.record(Self.business, try (start..<min(start + 1_000, bills)).map(Fixtures.billChange)))
        }
        for start in stride(from: 0, to: invoices, by: 1_000) {
            records.append(Fixtures.record(
                Self.business, try (start..<min(start + 1_000, invoices)).map(Fixtures.invoiceChange), operation: "query Invoice"))
        }
        records.append(Fixtures.record(Self.business, try (0..<5).map(Fixtures.balanceChange), operation: "query Account"))
        _ = try await store.commit(records)
        await store.close()

        let dbURL = folder.appendingPathComponent("snapshot.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dbURL.path + suffix) }
        let db = try SQLiteMirror.open(dbURL.path)
        try await db.write { db in
            try SQLiteMirror.createSchema(db)
            for i in 0..<bills { try SQLiteMirror.insert(Fixtures.bill(i), qbo: Fixtures.qboBill(Fixtures.bill(i)), db) }
            for i in 0..<invoices {
                try SQLiteMirror.insert(Fixtures.invoice(i), qbo: Fixtures.qboInvoice(Fixtures.invoice(i)), db)
            }
            for i in 0..<5 { try SQLiteMirror.insert(Fixtures.balance(i), db) }
        }
        try await db.close()
        return (wsURL, dbURL)
    }

    func run(bills: Int = 10_000, invoices: Int = 5_000) async throws -> ResultRow {
        let (ws, db) = try await prepare(bills: bills, invoices: invoices)
        var mirror: [Double] = [], sqlite: [Double] = []
        var mirrorRSS = 0, sqliteRSS = 0
        for _ in 0..<runs {
            let a = try runChild(executable, ["snapshot-child", ws.path, Self.business.rawValue, Self.asOf])
            let b = try runChild(executable, ["sqlite-snapshot-child", db.path, Self.business.rawValue, Self.asOf])
            guard a.output == b.output else {
                throw ChildFailure(description: "the mirror and SQLite snapshots differ:\n\(a.output.prefix(400))\n---\n\(b.output.prefix(400))")
            }
            mirror.append(a.seconds)
            sqlite.append(b.seconds)
            mirrorRSS = max(mirrorRSS, a.maxRSSKiB)
            sqliteRSS = max(sqliteRSS, b.maxRSSKiB)
        }
        let ratio = Sample(values: zip(mirror, sqlite).map { $0 / $1 })
        return ResultRow(
            name: "4. runway snapshot, \(bills) bills + \(invoices) invoices, cold process",
            measured: Sample(values: mirror).describe("ms", scale: 1000, digits: 0) + ", ru_maxrss \(mirrorRSS / 1024) MB",
            baseline: "SQLite (GRDB, WAL, synchronous=FULL): " + Sample(values: sqlite).describe("ms", scale: 1000, digits: 0)
                + ", ru_maxrss \(sqliteRSS / 1024) MB",
            ratio: "\(fmt(ratio.median))× the time [\(fmt(ratio.min))–\(fmt(ratio.max))]", target: "≤ 1.0×",
            verdict: ratio.median <= 1.0 ? "met" : "missed")
    }
}

/// The SQLite baseline: one table per kind with the domain fields as columns (money as exact
/// text), the QBO body kept alongside as the mirror keeps it, and an index on open items.
enum SQLiteMirror {
    static func open(_ path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return try DatabasePool(path: path, configuration: configuration)  // a pool is WAL
    }

    static func createSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE bill (id TEXT PRIMARY KEY, party_id TEXT NOT NULL, party_name TEXT, doc_number TEXT,
              txn_date TEXT, due_date TEXT, total TEXT NOT NULL, balance TEXT NOT NULL, currency TEXT NOT NULL,
              linked TEXT NOT NULL, is_open INTEGER NOT NULL, qbo TEXT);
            CREATE INDEX bill_open ON bill(is_open);
            CREATE TABLE invoice (id TEXT PRIMARY KEY, party_id TEXT NOT NULL, party_name TEXT, doc_number TEXT,
              txn_date TEXT, due_date TEXT, total TEXT NOT NULL, balance TEXT NOT NULL, currency TEXT NOT NULL,
              email_status TEXT, is_open INTEGER NOT NULL, qbo TEXT);
            CREATE INDEX invoice_open ON invoice(is_open);
            CREATE TABLE balance (id TEXT PRIMARY KEY, name TEXT NOT NULL, account_type TEXT NOT NULL,
              classification TEXT, current_balance TEXT NOT NULL, currency TEXT NOT NULL, active INTEGER NOT NULL);
            """)
    }

    static func text(_ value: JSONValue) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func insert(_ bill: Bill, qbo: JSONValue, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO bill VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            arguments: [
                bill.id.rawValue, bill.vendor.id, bill.vendor.name, bill.docNumber, bill.txnDate?.description,
                bill.dueDate?.description, "\(bill.total.amount)", "\(bill.balance.amount)", bill.total.currency.rawValue,
                bill.linkedPaymentIDs.joined(separator: ","), bill.isOpen, try text(qbo),
            ])
    }

    static func insert(_ invoice: Invoice, qbo: JSONValue, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO invoice VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            arguments: [
                invoice.id.rawValue, invoice.customer.id, invoice.customer.name, invoice.docNumber,
                invoice.txnDate?.description, invoice.dueDate?.description, "\(invoice.total.amount)",
                "\(invoice.balance.amount)", invoice.total.currency.rawValue, invoice.emailStatus, invoice.isOpen,
                try text(qbo),
            ])
    }

    static func insert(_ account: AccountBalance, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO balance VALUES (?,?,?,?,?,?,?)",
            arguments: [
                account.id.rawValue, account.name, account.accountType, account.classification,
                "\(account.currentBalance.amount)", account.currentBalance.currency.rawValue, account.active,
            ])
    }

    static func money(_ text: String, _ currency: String) throws -> Money {
        guard let code = CurrencyCode(rawValue: currency), let money = Money(text, code) else {
            throw ChildFailure(description: "bad money in SQLite: \(text) \(currency)")
        }
        return money
    }

    static func date(_ text: String?) -> LocalDate? { text.flatMap { LocalDate($0) } }

    /// Reads the open items and the balances back as domain values.
    static func read(_ db: Database) throws -> ([Bill], [Invoice], [AccountBalance]) {
        let bills = try Row.fetchAll(db, sql: """
            SELECT id, party_id, party_name, doc_number, txn_date, due_date, total, balance, currency, linked
            FROM bill WHERE is_open = 1 ORDER BY id
            """).map { row -> Bill in
            let linked: String = row[9]
            return Bill(
                id: EntityID(unchecked: row[0]), vendor: PartyRef(id: row[1], name: row[2]), docNumber: row[3],
                txnDate: date(row[4]), dueDate: date(row[5]), total: try money(row[6], row[8]),
                balance: try money(row[7], row[8]),
                linkedPaymentIDs: linked.isEmpty ? [] : linked.split(separator: ",").map(String.init))
        }
        let invoices = try Row.fetchAll(db, sql: """
            SELECT id, party_id, party_name, doc_number, txn_date, due_date, total, balance, currency, email_status
            FROM invoice WHERE is_open = 1 ORDER BY id
            """).map { row -> Invoice in
            Invoice(
                id: EntityID(unchecked: row[0]), customer: PartyRef(id: row[1], name: row[2]), docNumber: row[3],
                txnDate: date(row[4]), dueDate: date(row[5]), total: try money(row[6], row[8]),
                balance: try money(row[7], row[8]), emailStatus: row[9])
        }
        let balances = try Row.fetchAll(db, sql: "SELECT * FROM balance ORDER BY id").map { row -> AccountBalance in
            AccountBalance(
                id: EntityID(unchecked: row[0]), name: row[1], accountType: row[2], classification: row[3],
                currentBalance: try money(row[4], row[5]), active: row[6])
        }
        return (bills, invoices, balances)
    }
}

enum SnapshotChildren {
    static func inputs(_ business: BusinessID, asOf: String, bills: [Bill], invoices: [Invoice], balances: [AccountBalance])
        -> RunwayInputs
    {
        RunwayInputs(
            business: BusinessRef(advisor: Fixtures.advisor, business: business), businessName: business.rawValue,
            asOf: Date(timeIntervalSince1970: TimeInterval(Int(asOf) ?? 0)), homeCurrency: .usd,
            bills: bills.filter(\.isOpen), invoices: invoices.filter(\.isOpen), balances: balances)
    }

    /// `snapshot-child <workspace> <business> <asOf>`: reads the mirror the way the runway does
    /// (open items through the open-items index, balances from their documents).
    static func mirror(_ arguments: [String]) throws {
        let workspace = try Workspace.open(at: URL(fileURLWithPath: arguments[0]))
        let business = BusinessID(unchecked: arguments[1])
        let reader = workspace.mirrorReader(for: Fixtures.advisor)
        let ref = BusinessRef(advisor: Fixtures.advisor, business: business)
        let inputs = inputs(
            business, asOf: arguments[2], bills: try reader.openBills(of: ref), invoices: try reader.openInvoices(of: ref),
            balances: try reader.balances(of: ref))
        try printReport(RunwayCalculator.snapshot(inputs: inputs))
    }

    /// `sqlite-snapshot-child <db> <business> <asOf>`.
    static func sqlite(_ arguments: [String]) throws {
        let pool = try SQLiteMirror.open(arguments[0])
        let (bills, invoices, balances) = try pool.read { try SQLiteMirror.read($0) }
        let inputs = inputs(
            BusinessID(unchecked: arguments[1]), asOf: arguments[2], bills: bills, invoices: invoices, balances: balances)
        try printReport(RunwayCalculator.snapshot(inputs: inputs))
    }
}

/// What `rowcol snapshot --json` prints (both children print it, and the harness compares them).
private func printReport(_ snapshot: RunwaySnapshot) throws {
    FileHandle.standardOutput.write(try JSONEncoder(layout: .pretty).encode(snapshot))
    FileHandle.standardOutput.write(Data("\n".utf8))
}
