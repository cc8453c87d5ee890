import ArgumentParser
import Foundation
import QBOSandbox
import RowCol

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole job on the built-in QBO sandbox (no account needed).",
        discussion: """
            Starts the sandbox on a free loopback port, creates or reopens the workspace (its history \
            kept in git, a commit per change, when git is installed), adds an \
            advisor with three businesses of different health, connects and syncs them, prints the \
            console and a snapshot, schedules a payment twice (it is paid once), changes data in \
            the sandbox and reconciles, verifies the workspace and writes an HTML report. Running it \
            again reuses the workspace and the sandbox's saved companies.
            """)

    @Option(help: ArgumentHelp("The workspace folder.", valueName: "dir")) var workspace: String = "rowcol-demo"

    static let advisorName = "demo-advisor"
    /// (business, display name, realm, seed, bank balance): healthy, tight and critical.
    static let businesses: [(String, String, String, Int, Int)] = [
        ("northwind", "Northwind Traders", "9130001", 11, 900_000),
        ("bluebird", "Bluebird Bakery", "9130002", 22, 60_000),
        ("redwood", "Redwood Builders", "9130003", 33, 8_000),
    ]

    func run() async throws {
        let folder = URL(fileURLWithPath: workspace).standardizedFileURL
        let sandboxData = folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + ".sandbox")
        let report = folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + "-report.html")

        step("Starting the built-in QBO sandbox")
        var options = QBOSandboxOptions()
        options.dataDirectory = sandboxData
        let sandbox = try await QBOSandboxServer.start(options)
        do {
            try await demo(folder: folder, sandbox: sandbox, report: report, sandboxData: sandboxData)
            try await sandbox.stop()
        } catch {
            try? await sandbox.stop()
            throw error
        }
    }

    func demo(folder: URL, sandbox: QBOSandboxServer, report: URL, sandboxData: URL) async throws {
        let control = QBOSandboxControl(baseURL: sandbox.baseURL)
        print("   sandbox at \(sandbox.baseURL.absoluteString) (companies saved in \(sandboxData.path))")

        step("Opening the workspace")
        let workspace: Workspace
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("rowcol.json").path) {
            workspace = try Workspace.open(at: folder)
            print("   reopened \(folder.path)")
        } else {
            workspace = try Workspace.create(at: folder)
            print("   created \(folder.path)")
        }
        // The history, in git: every sync, recon, payment and plan edit below becomes a commit.
        var history = (try? workspace.writerMachine()) != nil
        if !history {
            do {
                let enabled = try await WorkspaceGit.enable(workspace)
                history = true
                print("   git history enabled (first commit \(enabled.commit.map { String($0.prefix(12)) } ?? "-"))")
            } catch {
                print("   git history is off: \(error)")
            }
        }
        let advisor = try AdvisorID(validating: Self.advisorName)
        if !(try workspace.advisors()).contains(advisor) {
            _ = try workspace.addAdvisor(advisor, displayName: "Demo Advisor")
        }

        step("Connecting three businesses of different health")
        let connections = Connections(workspace: workspace, advisor: advisor)
        for (id, name, realm, seed, bank) in Self.businesses {
            let created = try await control.ensureRealm(realm, seed: seed, bills: 40, invoices: 30, accounts: 1)
            let tokens = try await control.tokens(realm: realm)
            if created {
                for accountID in try await control.bankAccountIDs(realm: realm, accessToken: tokens.accessToken) {
                    _ = try await control.patch(.account, id: accountID, realm: realm, fields: ["CurrentBalance": .number(Decimal(bank))])
                }
            }
            try await connections.connect(
                business: BusinessID(validating: id), realmID: realm, environment: .local,
                baseURL: sandbox.baseURL.absoluteString, displayName: name, credentials: .sandbox,
                grant: .refreshToken(tokens.refreshToken))
            print("   \(id) (\(name)) → QBO realm \(realm)")
        }

        let session = try await AdvisorSession.open(workspace: workspace, advisor: advisor)
        let paidBill: String?
        do {
            paidBill = try await tour(session: session, control: control, report: report)
            await session.close()
        } catch {
            await session.close()
            throw error
        }

        step("Verifying the workspace (log chain, documents, mirror = replay of the log)")
        let problems = try workspace.verify()
        if problems.isEmpty {
            print("   clean")
        } else {
            for problem in problems { print("   ! \(problem)") }
            throw ExitCode.failure
        }

        step("What to try next")
        if !history { print("   (git is not available here: the history lines need git and `rowcol git enable`)") }
        let ws = folder.path
        print("""
               The workbench:          swift run rowcol serve --workspace \(ws) --open
                                       console, businesses, tray and digest in the browser (it prints the URL
                                       to open, token included); Ctrl-C stops it. It reads these files: the
                                       demo's sandbox has stopped, so "Sync now" flags rail.offline there.
               The HTML report:        \(report.path)
               Freshness and flags:    swift run rowcol status --workspace \(ws)
               The mirror is files:    ls \(ws)/advisors/\(Self.advisorName)/businesses/bluebird/mirror/bills
               Its history too:        ls \(ws)/advisors/\(Self.advisorName)/businesses/bluebird/mirror/purchases
               Every exchange logged:  swift run rowcol log --workspace \(ws) --advisor \(Self.advisorName)
               Its history, in git:    git -C \(ws) log --stat -3
                                       a commit per sync, recon, payment and plan edit, saying what changed
               One bill's history:     swift run rowcol history --workspace \(ws) --business bluebird \\
                                         --bill \(paidBill ?? "ID")
               What changed:           swift run rowcol diff --workspace \(ws) --since HEAD~2
               A sandbox of your own:  swift run rowcol sandbox serve --port 4010
            """)
    }

    /// - Returns: the bill the tour paid, when there was one to pay.
    func tour(session: AdvisorSession, control: QBOSandboxControl, report: URL) async throws -> String? {
        step("Syncing (strict: everything from QBO now)")
        let reports = try await session.sync(strict: true, progress: printProgress)
        for report in reports {
            let changes = report.changed.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print("   \(report.business): \(report.synced ? "synced" : "NOT synced"), \(changes.isEmpty ? "no changes" : changes)")
        }

        step("Advisor console: businesses ranked by runway risk")
        print(TerminalReport.render(try await session.console(strict: false), useColor: useColor))

        let bluebird = try BusinessID(validating: "bluebird")
        let ref = session.ref(bluebird)
        step("Snapshot of Bluebird Bakery")
        let snapshot = try await session.snapshot(bluebird, strict: false)
        print(TerminalReport.render(snapshot, useColor: useColor))
        try Data(HTMLReport.render(snapshot).utf8).write(to: report, options: .atomic)

        step("Bluebird's paid past (what cash timing is learned from)")
        let past = try await session.history(of: bluebird, strict: false).history
        func typicalLateness(_ paid: [PaidDocument]) -> String {
            let days = paid.map(\.daysLate).sorted()
            return days.isEmpty ? "none" : "median \(days[days.count / 2]) days after the due date"
        }
        print("   \(past.paidInvoices.count) invoices paid by customers, \(typicalLateness(past.paidInvoices))")
        print("   \(past.paidBills.count) bills paid, \(typicalLateness(past.paidBills))")
        let byMethod = Dictionary(grouping: past.purchases, by: \.method).sorted { $0.key.rawValue < $1.key.rawValue }
        print("   \(past.purchases.count) purchases without a bill: "
              + byMethod.map { "\($0.value.count) \($0.key.rawValue)" }.joined(separator: ", "))

        step("Scheduling a payment, approved twice")
        let openBills = try await session.gateways.list(ListBillsQuery(business: ref, hint: .cachedOK, openOnly: true)).items
        let open = openBills.sorted {
            ($0.effectiveDueDate ?? LocalDate(daysSinceEpoch: 0), $0.id) < ($1.effectiveDueDate ?? LocalDate(daysSinceEpoch: 0), $1.id)
        }
        if let bill = open.first {
            let before = try await control.stats().billPaymentsCreated
            let today = LocalDate(Date())
            let first = try await session.gateways.schedulePayment(
                business: ref, billID: bill.id, amount: bill.balance, payOn: today, fromAccountID: nil)
            let second = try await session.gateways.schedulePayment(
                business: ref, billID: bill.id, amount: bill.balance, payOn: today, fromAccountID: nil)
            let after = try await control.stats().billPaymentsCreated
            print("   bill \(bill.id) (\(bill.vendor.displayName)), \(bill.balance) on \(today)")
            print("   first approval:  payment \(first.id) \(first.state.rawValue)\(first.qboID.map { " (QBO BillPayment \($0))" } ?? "")")
            print("   second approval: payment \(second.id) \(second.state.rawValue) — same payment")
            print("   payments created in QBO by these two approvals: \(after - before)")
        } else {
            print("   no open bill left to pay")
        }

        step("Changing data in QBO behind RowCol's back, then reconciling")
        let invoices = try await session.gateways.list(ListInvoicesQuery(business: ref, hint: .cachedOK, openOnly: true))
            .items.sorted { $0.id < $1.id }
        if let invoice = invoices.first {
            _ = try await control.patch(.invoice, id: invoice.id.rawValue, realm: "9130002", fields: ["Balance": 0])
            print("   invoice \(invoice.id) marked paid in QBO")
        }
        if let doomed = openBills.sorted(by: { $0.id > $1.id }).first(where: { $0.id != open.first?.id }) {
            _ = try await control.delete(.bill, id: doomed.id.rawValue, realm: "9130002")
            print("   bill \(doomed.id) deleted in QBO")
        }
        let recon = try await session.recon(businesses: [bluebird], progress: printProgress)
        for report in recon {
            let changes = report.changed.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print("   \(report.business): \(changes.isEmpty ? "no changes" : changes) — the mirror follows QBO")
        }
        return open.first?.id.rawValue
    }

    func step(_ text: String) {
        print("\n== \(text)")
    }
}
