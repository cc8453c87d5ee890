import Foundation
import Logging
import RowCol

/// Runs the workbench's writes one at a time, each in an ``AdvisorSession`` of its own: the
/// advisor's writer lock is held for one operation, never for the server's lifetime, so
/// `rowcol sync` in a terminal keeps working beside the server (each waits for the other).
actor WriterGate {
    let workspace: Workspace
    let advisor: AdvisorID
    let environment: [String: String]
    /// How long an operation waits while another process (a terminal's `rowcol sync`) writes.
    let lockWait: Duration
    let logger: Logger
    /// The workbench's clock, handed to every session (TTL decisions, flag ages, the runway).
    let now: @Sendable () -> Date
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(workspace: Workspace, advisor: AdvisorID, environment: [String: String], lockWait: Duration, logger: Logger,
         now: @escaping @Sendable () -> Date) {
        self.workspace = workspace
        self.advisor = advisor
        self.environment = environment
        self.lockWait = lockWait
        self.logger = logger
        self.now = now
    }

    /// Opens a session, runs `body`, closes the session; operations of this process queue in order.
    /// - Throws: the body's errors; `StoreError` busy when another process kept the advisor past ``lockWait``.
    func withSession<T: Sendable>(_ operation: String, _ body: @Sendable (AdvisorSession) async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        let logger = logger
        let session = try await AdvisorSession.open(
            workspace: workspace, advisor: advisor, environment: environment, now: now, waitingUpTo: lockWait,
            whileWaiting: { busy in
                logger.notice("waiting for the advisor's lock", metadata: ["operation": .string(operation), "holder": "\(busy.message)"])
            })
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            // The lock passes straight to the next in line, so nobody can cut in between.
            waiting.removeFirst().resume()
        }
    }
}
