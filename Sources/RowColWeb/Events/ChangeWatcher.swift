import Foundation
import Logging
import RowCol
import ServiceLifecycle

/// Notices changes to the advisor's businesses made by anyone — this server, its scheduler, a
/// `rowcol sync` in a terminal — by the stamps of their `state.json`, and tells the ``EventHub``.
///
/// ``check()`` is the whole job; ``run(every:clock:)`` calls it on a clock's schedule (the server
/// passes the continuous clock, tests call ``check()`` themselves).
actor ChangeWatcher {
    let reader: AdvisorReader
    let hub: EventHub
    let data: WorkbenchData
    let logger: Logger
    private var known: [BusinessID: [FileStamp?]] = [:]
    private var checks = 0

    init(reader: AdvisorReader, hub: EventHub, data: WorkbenchData, logger: Logger) {
        self.reader = reader
        self.hub = hub
        self.data = data
        self.logger = logger
    }

    /// Compares every business's stamps with the last check and publishes one event per change.
    /// - Returns: the businesses that changed (none on the first check, which only learns the stamps).
    @discardableResult
    func check() async -> [BusinessID] {
        var changed: [BusinessID] = []
        let first = known.isEmpty
        do {
            for business in try reader.businesses() {
                let stamps = try reader.stamps(of: business)
                if known[business] != stamps {
                    if !first || known[business] != nil { changed.append(business) }
                    known[business] = stamps
                }
            }
        } catch {
            logger.warning("could not check the businesses for changes", metadata: ["error": "\(error)"])
        }
        for business in changed {
            let checkpoint = try? reader.syncState(of: business).checkpoint
            await hub.publish(WorkbenchEvent(kind: "business.changed", business: business, checkpoint: checkpoint))
        }
        return changed
    }

    /// Checks every `interval` until the server shuts down, with a heartbeat to open streams every 15 checks.
    func run(every interval: Duration, clock: some Clock<Duration>) async {
        _ = await check()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch {
                return
            }
            _ = await check()
            checks += 1
            if checks % 15 == 0 { await hub.publish(.heartbeat) }
        }
    }
}
