import Foundation
import Hummingbird
import RowCol

/// What the pages and the API read: snapshots, the console, the tray, computed without a lock
/// from the mirror (through ``AdvisorReader``) and kept in memory until the files they came from
/// change.
///
/// A business's entry is current while its `business.json` and `state.json` keep their stamps
/// (every change to the mirror moves the checkpoint in `state.json`, and the writer replaces the
/// file by a rename), the UTC date is the same (week 1 starts today) and no input has crossed a
/// TTL since (staleness flags depend on the clock). Checking costs two `lstat` calls, so an
/// unchanged business is answered from memory — encoded bytes and rendered pages included.
actor WorkbenchData {
    let reader: AdvisorReader
    let planning: (any WorkbenchPlanning)?
    let history: LogHistory
    let now: @Sendable () -> Date
    private var entries: [BusinessID: BusinessEntry] = [:]
    private var computing: [BusinessID: Task<BusinessEntry, any Error>] = [:]
    private var console: ConsoleEntry?
    private var generation = 0

    init(reader: AdvisorReader, planning: (any WorkbenchPlanning)?, now: @escaping @Sendable () -> Date) {
        self.reader = reader
        self.planning = planning
        history = LogHistory(workspace: reader.workspace, advisor: reader.advisor)
        self.now = now
    }

    /// The current entry of `business`, computed again only when its files changed.
    /// - Throws: 404 for a business the advisor does not have (whoever else may have it).
    func entry(_ business: BusinessID) async throws -> BusinessEntry {
        let stamps = try reader.stamps(of: business) + [try planning?.planStamp(of: business, reader: reader)]
        if let cached = entries[business], cached.isCurrent(stamps: stamps, reader: reader, at: now()) { return cached }
        if let running = computing[business] { return try await running.value }
        generation += 1
        let reader = reader
        let number = generation
        let planning = planning
        let task = Task.detached {
            try BusinessEntry.compute(business, stamps: stamps, reader: reader, planning: planning, generation: number)
        }
        computing[business] = task
        defer { computing[business] = nil }
        let entry = try await task.value
        // A writer that changed the files while we read them makes the entry stale at once; the next
        // request computes it again.
        entries[business] = entry
        return entry
    }

    /// The entries of every business of the advisor, by id.
    func allEntries() async throws -> [BusinessEntry] {
        var result: [BusinessEntry] = []
        for business in try reader.businesses() { result.append(try await entry(business)) }
        return result
    }

    /// The console, computed again only when some business's entry changed.
    func consoleEntry() async throws -> ConsoleEntry {
        let all = try await allEntries()
        let generations = all.map(\.generation)
        if let console, console.generations == generations { return console }
        let built = ConsoleEntry(
            generations: generations,
            console: try AdvisorConsole(advisor: reader.advisor, asOf: now(), snapshots: all.map(\.snapshot)),
            entries: Dictionary(uniqueKeysWithValues: all.map { ($0.business, $0) }))
        console = built
        return built
    }

    /// Forgets every entry (after the server itself wrote: the next read recomputes at once even
    /// if a file system's timestamps are coarse).
    func invalidate(_ businesses: [BusinessID]? = nil) {
        if let businesses {
            for business in businesses { entries[business] = nil }
        } else {
            entries.removeAll()
        }
        console = nil
    }
}

/// One business as of its files' stamps: the snapshot, and what has been derived from it.
final class BusinessEntry: Sendable {
    let business: BusinessID
    let stamps: [FileStamp?]
    let checkpoint: LogSeq
    let sync: BusinessSyncState
    let snapshot: RunwaySnapshot
    let generation: Int
    /// The plan's scenarios (empty without plans), or why they could not be read.
    let scenarioNames: [String]
    let planProblem: String?
    let planning: (any WorkbenchPlanning)?
    let reader: AdvisorReader
    /// The UTC date and input freshness the snapshot was computed for.
    let day: LocalDate
    let levels: [Freshness.Level]
    /// Encoded answers and rendered pages, by a key naming the view (`json`, `page?week=3`).
    private let rendered = Locked<[String: ByteBuffer]>([:])
    private let scenarios = Locked<[String: RunwaySnapshot]>([:])

    init(business: BusinessID, stamps: [FileStamp?], checkpoint: LogSeq, sync: BusinessSyncState, snapshot: RunwaySnapshot,
         generation: Int, levels: [Freshness.Level], scenarioNames: [String] = [], planProblem: String? = nil,
         planning: (any WorkbenchPlanning)?, reader: AdvisorReader) {
        self.scenarioNames = scenarioNames
        self.planProblem = planProblem
        self.planning = planning
        self.reader = reader
        self.business = business
        self.stamps = stamps
        self.checkpoint = checkpoint
        self.sync = sync
        self.snapshot = snapshot
        self.generation = generation
        day = snapshot.asOfDate
        self.levels = levels
    }

    static let kinds: [EntityKind] = [.bill, .invoice, .balance]

    static func levels(_ sync: BusinessSyncState, reader: AdvisorReader, at now: Date) -> [Freshness.Level] {
        kinds.map { sync.freshness(of: $0, configuration: reader.configuration, now: now).level }
    }

    static func compute(
        _ business: BusinessID, stamps: [FileStamp?], reader: AdvisorReader, planning: (any WorkbenchPlanning)?, generation: Int
    ) throws -> BusinessEntry {
        let (checkpoint, sync) = try reader.syncState(of: business)
        let snapshot = try planning?.snapshot(of: business, scenario: nil, reader: reader) ?? reader.snapshot(of: business)
        var names: [String] = []
        var problem: String?
        do {
            names = try planning?.scenarioNames(of: business, reader: reader) ?? []
        } catch {
            problem = "\(error)"
        }
        return BusinessEntry(
            business: business, stamps: stamps, checkpoint: checkpoint, sync: sync, snapshot: snapshot,
            generation: generation, levels: levels(sync, reader: reader, at: snapshot.asOf), scenarioNames: names,
            planProblem: problem, planning: planning, reader: reader)
    }

    /// The snapshot under `scenario` (nil or `base`: the entry's own), computed once per entry.
    /// - Throws: 404 without plans, or for a scenario the plan does not have.
    func snapshot(scenario: String?) throws -> RunwaySnapshot {
        guard let name = scenario, !name.isEmpty, name != "base" else { return snapshot }
        guard let planning else { throw WorkbenchError.plansUnavailable }
        guard scenarioNames.contains(name) else {
            throw WorkbenchError.notFound(WorkbenchPlanningError.unknownScenario(name, known: scenarioNames).description)
        }
        if let cached = scenarios.withLock({ $0[name] }) { return cached }
        let computed = try planning.snapshot(of: business, scenario: name, reader: reader)
        scenarios.withLock { $0[name] = computed }
        return computed
    }

    func isCurrent(stamps: [FileStamp?], reader: AdvisorReader, at now: Date) -> Bool {
        stamps == self.stamps && LocalDate(now) == day && Self.levels(sync, reader: reader, at: now) == levels
    }

    /// The bytes of view `key`, rendered once per entry.
    func rendered(_ key: String, _ render: () throws -> ByteBuffer) rethrows -> ByteBuffer {
        if let cached = rendered.withLock({ $0[key] }) { return cached }
        let bytes = try render()
        rendered.withLock { cache in
            // Bounded: views with search terms are many; the common ones stay.
            if cache.count >= 64 { cache.removeAll() }
            cache[key] = bytes
        }
        return bytes
    }
}

/// The console as of a set of business entries.
final class ConsoleEntry: Sendable {
    let generations: [Int]
    let console: AdvisorConsole
    let entries: [BusinessID: BusinessEntry]
    private let rendered = Locked<[String: ByteBuffer]>([:])

    init(generations: [Int], console: AdvisorConsole, entries: [BusinessID: BusinessEntry]) {
        self.generations = generations
        self.console = console
        self.entries = entries
    }

    func rendered(_ key: String, _ render: () throws -> ByteBuffer) rethrows -> ByteBuffer {
        if let cached = rendered.withLock({ $0[key] }) { return cached }
        let bytes = try render()
        rendered.withLock { cache in
            if cache.count >= 64 { cache.removeAll() }
            cache[key] = bytes
        }
        return bytes
    }
}
