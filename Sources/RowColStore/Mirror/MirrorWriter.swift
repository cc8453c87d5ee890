import Foundation
import RowColDomain
import RowColJSON

/// Applies durable log lines to one advisor's mirror and checkpoints them (DESIGN §4).
/// Owned by the ``CommitEngine`` thread; not thread-safe.
final class MirrorWriter {
    let workspace: Workspace
    let advisor: AdvisorID
    /// Each business's `state.json` as last read or written. Guarded: the publisher thread writes
    /// checkpoints while the writer thread prepares the next batch.
    private let states = Locked<[BusinessID: BusinessState]>([:])
    /// The checkpoint each business gets once the batches prepared so far are published: the
    /// next batch is prepared against it, not against `state.json`, which may lag by one batch.
    private var plannedCheckpoints: [BusinessID: LogSeq] = [:]
    /// The documents the batch handed to the publisher changes (true: it leaves one there, false:
    /// it removes it), which the disk has only once that batch is published: the next batch waits
    /// for that before it reads one of them. Set by ``handOver(_:)``; no document values are kept,
    /// so a batch waiting to be published holds no more memory than its file names.
    private var unpublished: [MirrorReplay.Key: Bool] = [:]
    private var knownBusinesses: Set<BusinessID> = []
    /// The last marker of each open-items index this writer keeps up to date (see ``OpenItemsIndex``).
    private var indexMarkers: [IndexKey: OpenItemsIndex.Marker] = [:]
    /// The document names (`<id>.json`) of each mirror folder this writer has touched, listed once
    /// and then kept up to date by its own renames and removals: the writer holds the advisor's
    /// lock, so nothing else changes these folders, and a document it does not know is new without
    /// a `stat` of its path (a sync of 20,000 new bills made 20,000 failing lookups before).
    private var folderNames: [String: Set<String>] = [:]

    struct IndexKey: Hashable {
        var business: BusinessID
        var kind: EntityKind
    }
    /// Above this many files a batch flushes the file system once instead of file by file.
    static let fileSystemSyncThreshold = 16

    init(workspace: Workspace, advisor: AdvisorID) {
        self.workspace = workspace
        self.advisor = advisor
    }

    var paths: WorkspacePaths { workspace.paths }

    func ref(_ business: BusinessID) -> BusinessRef { BusinessRef(advisor: advisor, business: business) }

    func requireBusiness(_ business: BusinessID) throws {
        if knownBusinesses.contains(business) { return }
        try workspace.requireBusiness(ref(business))
        for kind in EntityKind.allCases {
            try FileSystem.makeDirectory(paths.mirror(ref(business)))
            try workspace.requireRealFolder(paths.mirror(ref(business)))
            try FileSystem.makeDirectory(paths.mirror(ref(business), kind))
            try workspace.requireRealFolder(paths.mirror(ref(business), kind))
        }
        for folder in [paths.mirrorStaging(ref(business))] + WorkspacePaths.stagingLanes.map({ paths.mirrorStaging(ref(business), lane: $0) }) {
            try FileSystem.makeDirectory(folder)
            try workspace.requireRealFolder(folder)
        }
        knownBusinesses.insert(business)
    }

    func state(of business: BusinessID) throws -> BusinessState {
        if let state = states.withLock({ $0[business] }) { return state }
        try requireBusiness(business)
        return try storedState(of: business)
    }

    /// The business's state as cached, or read from its file (the business is known to exist).
    private func storedState(of business: BusinessID) throws -> BusinessState {
        if let state = states.withLock({ $0[business] }) { return state }
        let path = paths.state(ref(business))
        let state =
            FileSystem.kind(of: path) == .missing
            ? BusinessState() : try workspace.decodeFile(BusinessState.self, at: path)
        states.withLock { $0[business] = state }
        return state
    }

    /// The checkpoint the next batch is prepared against: the planned one while a batch is unpublished.
    private func checkpoint(of business: BusinessID) throws -> LogSeq {
        max(try state(of: business).checkpoint, plannedCheckpoints[business] ?? .zero)
    }

    func document(_ key: MirrorReplay.Key) throws -> MirrorDocument? {
        let folder = paths.mirror(ref(key.business), key.kind)
        let name = key.id.rawValue + ".json"
        if let names = folderNames[folder] {
            guard names.contains(name) else { return nil }
        } else if FileSystem.kind(of: folder + "/" + name) == .missing {
            return nil
        }
        return try workspace.readDocument(at: folder + "/" + name)
    }

    /// Above this many changes to one folder in a batch, the folder is listed once (and then kept
    /// in ``folderNames``) instead of looking each document up: one directory read against a
    /// lookup per document, while a small batch (a recon of a few changes) never lists a big folder.
    static let listingThreshold = 64

    /// Lists the folders that `entries` change often enough to be worth it (see ``listingThreshold``).
    private func listBusyFolders(_ entries: [LogEntry]) throws {
        var counts: [IndexKey: Int] = [:]
        for entry in entries {
            for change in entry.payload?.changes ?? [] {
                counts[IndexKey(business: entry.business, kind: change.entity), default: 0] += 1
            }
        }
        for (key, count) in counts where count > Self.listingThreshold {
            let folder = paths.mirror(ref(key.business), key.kind)
            guard folderNames[folder] == nil else { continue }
            // The folder is known to exist and be real before it is trusted as listed.
            try requireBusiness(key.business)
            var names = Set(try FileSystem.listDirectoryUnsorted(folder))
            // The unpublished batch's documents are not in the folder yet, or not gone from it.
            for (pending, present) in unpublished where pending.business == key.business && pending.kind == key.kind {
                if present { names.insert(pending.id.rawValue + ".json") } else { names.remove(pending.id.rawValue + ".json") }
            }
            folderNames[folder] = names
        }
    }

    /// Forgets every listed folder and every checked business: after a rebuild or a repair swapped
    /// or cleaned folders.
    private func forgetFolders() {
        folderNames = [:]
        knownBusinesses = []
        unpublished = [:]
        plannedCheckpoints = [:]
    }

    /// Puts back a mirror folder left aside by a rebuild that crashed mid-swap, and clears leftovers.
    func repairAfterCrash(_ business: BusinessID) throws {
        forgetFolders()
        let folder = paths.business(ref(business))
        let mirror = paths.mirror(ref(business))
        let old = folder + "/.mirror.old.tmp"
        let fresh = folder + "/.mirror.rebuild.tmp"
        if FileSystem.kind(of: mirror) == .missing && FileSystem.kind(of: old) == .directory {
            try FileSystem.moveItem(old, mirror)
            try FileSystem.syncDirectory(folder)
        }
        try workspace.removeTree(old)
        try workspace.removeTree(fresh)
        // Temp documents of a crashed batch: in the staging folder, or (written before it existed)
        // beside their documents.
        let lanes = WorkspacePaths.stagingLanes.map { paths.mirrorStaging(ref(business), lane: $0) }
        for folder in EntityKind.allCases.map({ paths.mirror(ref(business), $0) }) + lanes
        where FileSystem.kind(of: folder) == .directory {
            for name in try FileSystem.listDirectory(folder) where name.hasSuffix(".tmp") {
                try FileSystem.removeItem(folder + "/" + name)
            }
        }
        try? FileSystem.removeItem(paths.state(ref(business)) + ".tmp")
        try? FileSystem.removeItem(paths.plan(ref(business)) + ".tmp")
        for kind in EntityKind.allCases where kind.hasOpenItems {
            try? FileSystem.removeItem(paths.openItemsIndex(ref(business), kind) + ".tmp")
        }
    }

    // MARK: Open-items index

    /// Takes over the business's open-items indexes at opening (before any replay): an index whose
    /// last marker is the business's checkpoint is kept and appended to; any other (missing, torn,
    /// stale after a crash) is regenerated from the documents.
    func prepareIndexes(_ business: BusinessID) throws {
        let checkpoint = try state(of: business).checkpoint
        for kind in EntityKind.allCases where kind.hasOpenItems {
            let key = IndexKey(business: business, kind: kind)
            if let marker = OpenItemsIndex.lastMarker(at: paths.openItemsIndex(ref(business), kind)),
                marker.checkpoint == checkpoint
            {
                indexMarkers[key] = marker
            } else {
                try regenerateIndex(key, checkpoint: checkpoint)
            }
        }
    }

    /// Rewrites an index from the documents on disk. A document that cannot be read leaves the
    /// kind without an index (readers use the documents, `verify` names the file) rather than
    /// blocking the store: `rebuild` must still be able to open it.
    private func regenerateIndex(_ key: IndexKey, checkpoint: LogSeq) throws {
        let folder = paths.mirror(ref(key.business), key.kind)
        var open: [EntityID: JSONValue] = [:]
        for name in try FileSystem.listDirectory(folder) where name.hasSuffix(".json") && !name.hasPrefix(".") {
            guard let document = try? workspace.readDocument(at: folder + "/" + name) else {
                indexMarkers[key] = nil
                try FileSystem.removeItem(paths.openItemsIndex(ref(key.business), key.kind))
                return
            }
            open[document.id] = OpenItemsIndex.openData(key.kind, document)
        }
        try writeIndex(open, key, checkpoint: checkpoint)
    }

    private func writeIndex(_ open: [EntityID: JSONValue], _ key: IndexKey, checkpoint: LogSeq) throws {
        try OpenItemsIndex.writeFresh(open, checkpoint: checkpoint, to: paths.openItemsIndex(ref(key.business), key.kind))
        indexMarkers[key] = OpenItemsIndex.Marker(checkpoint: checkpoint, lines: open.count + 1, open: open.count)
    }

    /// Appends the index lines of `changed` and a marker at each business's new checkpoint, not yet
    /// synced: returns the open files, which the caller flushes with the documents.
    /// - Parameter bodies: the lines the changes' `source`s point into; an open item's line copies
    ///   its `data` from there when it can.
    private func appendIndexLines(
        _ changed: [(key: MirrorReplay.Key, document: MirrorDocument?, original: MirrorDocument?, source: MirrorReplay.Source?)],
        bodies: [LogLineBodies] = [], checkpoints: [BusinessID: LogSeq]
    ) throws -> [(path: String, fd: Int32)] {
        var opened: [(path: String, fd: Int32)] = []
        do {
            for (business, checkpoint) in checkpoints.sorted(by: { $0.key < $1.key }) {
                for kind in EntityKind.allCases where kind.hasOpenItems {
                    let key = IndexKey(business: business, kind: kind)
                    guard var marker = indexMarkers[key] else { continue }
                    var buffer: [UInt8] = []
                    for change in changed where change.key.business == business && change.key.kind == kind {
                        let data = OpenItemsIndex.openData(kind, change.document)
                        let isOpen = data != nil
                        let wasOpen = OpenItemsIndex.openData(kind, change.original) != nil
                        if let data {
                            if let (line, places) = Self.bodyPlaces(change.source, bodies), let range = places.data {
                                bodies[line].line.withUnsafeBufferPointer { line in
                                    OpenItemsIndex.encodeItem(
                                        change.key.id, compactData: UnsafeBufferPointer(rebasing: line[range]), into: &buffer)
                                }
                            } else {
                                OpenItemsIndex.encode(.item(change.key.id, data), into: &buffer)
                            }
                        } else if wasOpen {
                            OpenItemsIndex.encode(.closed(change.key.id), into: &buffer)
                        } else {
                            continue
                        }
                        marker.lines += 1
                        marker.open += (isOpen ? 1 : 0) - (wasOpen ? 1 : 0)
                    }
                    marker.checkpoint = checkpoint
                    marker.lines += 1
                    OpenItemsIndex.encode(.marker(marker), into: &buffer)
                    let path = paths.openItemsIndex(ref(business), kind)
                    let fd = try FileSystem.openForAppend(path, create: false)
                    opened.append((path, fd))
                    try FileSystem.writeAll(fd, buffer, path: path)
                    indexMarkers[key] = marker
                }
            }
        } catch {
            for file in opened { FileSystem.closeFile(file.fd) }
            throw error
        }
        return opened
    }

    /// Rewrites indexes that have grown to more than twice their open items (plus slack), so
    /// appends never make a reader parse an ever-longer history. Runs before the batch that
    /// appended last is published, so it works from the index alone: one it cannot read is
    /// dropped (readers use the documents; the next opening regenerates it from them).
    private func compactIndexes(of businesses: some Sequence<BusinessID>) throws {
        for business in businesses {
            for kind in EntityKind.allCases where kind.hasOpenItems {
                let key = IndexKey(business: business, kind: kind)
                guard let marker = indexMarkers[key], marker.lines > 2 * marker.open + 1_024 else { continue }
                let path = paths.openItemsIndex(ref(business), kind)
                if let open = OpenItemsIndex.read(at: path, checkpoint: marker.checkpoint) {
                    try writeIndex(open, key, checkpoint: marker.checkpoint)
                } else {
                    indexMarkers[key] = nil
                    try FileSystem.removeItem(path)
                }
            }
        }
    }

    /// Applies the changes of `entries` (already durable) and checkpoints every business touched
    /// or given a new sync state: ``prepare(_:bodies:syncStates:beforeReusing:)`` then ``publish(_:)``.
    /// Returns how many lines changed something.
    /// - Parameter bodies: the encoded lines of `entries` (same order), whose bodies the documents
    ///   are written from; without them documents are encoded from their values.
    @discardableResult
    func apply(_ entries: [LogEntry], bodies: [LogLineBodies] = [], syncStates: [BusinessID: JSONValue] = [:]) throws
        -> Int
    {
        let batch = try prepare(entries, bodies: bodies, syncStates: syncStates)
        try publish(batch)
        return batch.appliedLines
    }

    /// A batch whose documents are written under temp names and flushed, and whose index lines are
    /// appended and flushed: what ``publish(_:)`` still has to do is rename them into place, flush
    /// the folders and move the checkpoints.
    struct PendingBatch: Sendable {
        var renames: [(temp: String, target: String)] = []
        var removals: [String] = []
        /// Staging lanes first, then kind folders: the order their entries are flushed in.
        var folders: [String] = []
        /// The businesses' new checkpoints; nil when the batch moves none (no line, no sync state).
        var checkpoints: [BusinessID: LogSeq]?
        var syncStates: [BusinessID: JSONValue] = [:]
        /// The documents the batch changes: true for one it leaves in place, false for one it removes.
        var documents: [MirrorReplay.Key: Bool] = [:]
        var appliedLines = 0
    }

    /// The first half of ``apply(_:bodies:syncStates:)``, on the writer thread: replays `entries`
    /// against the mirror as the batches prepared before leave it, writes the changed documents
    /// under temp names and the index lines, and flushes them.
    /// - Parameter beforeReusing: called when the batch reads a document the unpublished batch
    ///   changes (the disk has it only once that batch is published; their temp names would be
    ///   the same): it waits until that batch is published.
    func prepare(
        _ entries: [LogEntry], bodies: [LogLineBodies] = [], syncStates: [BusinessID: JSONValue] = [:],
        beforeReusing: @escaping () throws -> Void = {}
    ) throws -> PendingBatch {
        var checkpoints: [BusinessID: LogSeq] = [:]
        for business in Set(entries.map(\.business)).union(syncStates.keys) {
            checkpoints[business] = try checkpoint(of: business)
        }
        try listBusyFolders(entries)
        // Once the unpublished batch is published, the disk has all of it: nothing more to wait for.
        let awaitPublished = { [unowned self] (key: MirrorReplay.Key) throws in
            guard unpublished[key] != nil else { return }
            try beforeReusing()
            unpublished = [:]
        }
        var replay = MirrorReplay(advisor: advisor, checkpoints: checkpoints) { [unowned self] key in
            try awaitPublished(key)
            return try document(key)
        }
        let withBodies = bodies.count == entries.count
        for (line, entry) in entries.enumerated() { try replay.apply(entry, line: withBodies ? line : nil) }
        let changed = replay.changedWithSources
        for change in changed where !unpublished.isEmpty { try awaitPublished(change.key) }
        guard let last = entries.last?.seq ?? (syncStates.isEmpty ? nil : .zero) else {
            var batch = try write(changed, bodies: bodies, checkpoints: [:])
            batch.appliedLines = replay.appliedLines
            return batch
        }
        var newCheckpoints: [BusinessID: LogSeq] = [:]
        for business in replay.touchedBusinesses.union(syncStates.keys) {
            newCheckpoints[business] = max(try checkpoint(of: business), last)
        }
        var batch = try write(changed, bodies: bodies, checkpoints: newCheckpoints)
        batch.checkpoints = newCheckpoints
        batch.syncStates = syncStates
        batch.appliedLines = replay.appliedLines
        plannedCheckpoints.merge(newCheckpoints) { _, new in new }
        try compactIndexes(of: newCheckpoints.keys.sorted())
        return batch
    }

    /// Records `batch` as the one the publisher has now: until the next hand-over, the next batch
    /// is replayed against its documents.
    func handOver(_ batch: PendingBatch) {
        unpublished = batch.documents
    }

    /// The second half of ``apply(_:bodies:syncStates:)``, on the publisher thread: renames the
    /// batch's documents into place and removes the deleted ones, flushes the staging lanes, then
    /// the kind folders, then checkpoints each business (`state.json`).
    func publish(_ batch: PendingBatch) throws {
        for (index, rename) in batch.renames.enumerated() {
            if index > 0 { Failpoints.hit(.mirrorBetweenRenames) }
            try FileSystem.moveItem(rename.temp, rename.target)
        }
        for path in batch.removals { try FileSystem.removeItem(path) }
        // The staging folders first: a temp name's removal is durable before the document's arrival,
        // so a crash between the two loses both names (the checkpoint has not moved: the replay
        // writes the document again) and never leaves one file under two names.
        for folder in batch.folders { try FileSystem.syncDirectory(folder) }
        guard let checkpoints = batch.checkpoints else { return }
        Failpoints.hit(.checkpointBefore)
        for business in checkpoints.keys.sorted() {
            var state = try storedState(of: business)
            state.checkpoint = checkpoints[business]!
            if let sync = batch.syncStates[business] { state.sync = sync }
            try writeState(state, for: business)
        }
        Failpoints.hit(.checkpointAfter)
    }

    /// Moves every business's checkpoint up to `seq` (all lines up to it are applied).
    func advanceCheckpoints(to seq: LogSeq) throws {
        for business in try workspace.businesses(of: advisor) {
            var state = try state(of: business)
            guard state.checkpoint < seq else { continue }
            let indexes = try appendIndexLines([], checkpoints: [business: seq])
            defer { for file in indexes { FileSystem.closeFile(file.fd) } }
            for file in indexes { try FileSystem.dataSync(file.fd, path: file.path) }
            state.checkpoint = seq
            try writeState(state, for: business)
        }
    }

    func writeState(_ state: BusinessState, for business: BusinessID) throws {
        let path = paths.state(ref(business))
        try FileSystem.writeAtomically(
            try JSONCoding.documentBytes(state), to: path, temp: path + ".tmp", durable: true)
        states.withLock { $0[business] = state }
    }

    /// Writes changed documents and their index lines: temp files (in the staging lanes) and
    /// appends, one flush; the renames into the kind folders, and the folders' flushes, are left
    /// to ``publish(_:)``. Indexes get a marker at `checkpoints` (the businesses' new checkpoints).
    /// The listed folders' names are updated as the batch leaves them.
    private func write(
        _ changed: [(key: MirrorReplay.Key, document: MirrorDocument?, original: MirrorDocument?, source: MirrorReplay.Source?)],
        bodies: [LogLineBodies], checkpoints: [BusinessID: LogSeq]
    ) throws -> PendingBatch {
        var batch = PendingBatch()
        guard !changed.isEmpty || !checkpoints.isEmpty else { return batch }
        var renames: [(temp: String, target: String, fd: Int32)] = []
        var removals: [String] = []
        var folders: Set<String> = []
        var stagingFolders: Set<String> = []
        var temps: [TempDocument] = []
        var indexes: [(path: String, fd: Int32)] = []
        defer {
            for rename in renames where rename.fd >= 0 { FileSystem.closeFile(rename.fd) }
            for file in indexes { FileSystem.closeFile(file.fd) }
        }
        for (key, document, original, source) in changed {
            batch.documents[key] = document != nil
            let existed = original != nil
            try requireBusiness(key.business)
            let folder = paths.mirror(ref(key.business), key.kind)
            let target = folder + "/" + key.id.rawValue + ".json"
            folders.insert(folder)
            guard let document else {
                if existed { removals.append(target) }
                continue
            }
            let name = "/" + key.kind.folderName + "." + key.id.rawValue + ".json.tmp"
            temps.append(TempDocument(
                staging: paths.mirrorStaging(ref(key.business), lane: 0), name: name, target: target, document: document,
                source: source))
        }
        let lanes = temps.count >= Self.secondLaneThreshold ? WorkspacePaths.stagingLanes.count : 1
        let split = temps.count / lanes
        for index in temps.indices where index >= split {
            temps[index].staging = paths.mirrorStaging(ref(temps[index].document.business), lane: 1)
        }
        for temp in temps { stagingFolders.insert(temp.staging) }
        // A large batch is flushed all at once (`syncfs`), so its files are closed as soon as they
        // are written: a batch may hold more documents than the process may have files open.
        let flushAll = temps.count > Self.fileSystemSyncThreshold
        try Self.create(temps, split: split, bodies: bodies, keepOpen: !flushAll, into: &renames)
        indexes = try appendIndexLines(changed, bodies: bodies, checkpoints: checkpoints)
        // Contents are durable before any rename, so a document is always whole: old or new.
        let flushedAtOnce = flushAll ? try FileSystem.syncFileSystem(containing: paths.root) : false
        if !flushedAtOnce { for file in indexes { try FileSystem.dataSync(file.fd, path: file.path) } }
        for index in renames.indices {
            if !flushedAtOnce { try FileSystem.syncFile(renames[index].fd, path: renames[index].temp) }
            if renames[index].fd >= 0 { FileSystem.closeFile(renames[index].fd) }
            renames[index].fd = -1
        }
        for rename in renames { noteName(of: rename.target, present: true) }
        for path in removals { noteName(of: path, present: false) }
        batch.renames = renames.map { ($0.temp, $0.target) }
        batch.removals = removals
        batch.folders = stagingFolders.sorted() + folders.sorted()
        return batch
    }

    /// A document to write to `staging` + `name` before it is renamed to `target`.
    struct TempDocument: Sendable {
        var staging: String
        var name: String
        var target: String
        var document: MirrorDocument
        var source: MirrorReplay.Source?
        var path: String { staging + name }
    }

    /// From this many documents in a batch, a second thread creates the second half of the temp
    /// files (in its own staging lane): creating, filling and closing them is a fifth of a large
    /// sync's time on the writer thread, which every commit waits for.
    static let secondLaneThreshold = 64

    /// Creates and fills the temp files: those before `split` on this thread, the rest on a second
    /// one. Every file written lands in `renames` (in `temps`' order; -1 for one already closed,
    /// unless `keepOpen`), so the caller closes the open ones whatever fails (a file whose write
    /// failed is closed at once); the first error is thrown once both threads are done.
    private static func create(
        _ temps: [TempDocument], split: Int, bodies: [LogLineBodies], keepOpen: Bool,
        into renames: inout [(temp: String, target: String, fd: Int32)]
    ) throws {
        let second = split < temps.count ? SecondLane(temps[split...], bodies: bodies, keepOpen: keepOpen) : nil
        let first = fill(temps[..<split], bodies: bodies, keepOpen: keepOpen)
        let other = second?.finish() ?? (fds: [], error: nil)
        for (temp, fd) in zip(temps[..<split], first.fds) { renames.append((temp.path, temp.target, fd)) }
        for (temp, fd) in zip(temps[split...], other.fds) { renames.append((temp.path, temp.target, fd)) }
        if let error = first.error ?? other.error { throw error }
    }

    /// Creates and writes `temps` in order, stopping at the first failure; each file is closed
    /// once written unless `keepOpen` (its entry is then -1), and a file that failed is closed.
    private static func fill(
        _ temps: ArraySlice<TempDocument>, bodies: [LogLineBodies], keepOpen: Bool
    ) -> (fds: [Int32], error: (any Error)?) {
        var fds: [Int32] = []
        fds.reserveCapacity(temps.count)
        do {
            for temp in temps {
                fds.append(try FileSystem.createFile(
                    temp.path, O_TRUNC, storedBytes(temp.document, temp.source, bodies), keepOpen: keepOpen))
            }
            return (fds, nil)
        } catch {
            return (fds, error)
        }
    }

    /// ``fill(_:bodies:)`` on a thread of its own, started at once and joined by ``finish()``.
    private final class SecondLane: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        /// Written by the lane's thread before it signals `done`, read after `finish()` waits on it.
        private var result: (fds: [Int32], error: (any Error)?) = ([], nil)

        init(_ temps: ArraySlice<TempDocument>, bodies: [LogLineBodies], keepOpen: Bool) {
            let thread = Thread { [self] in
                result = MirrorWriter.fill(temps, bodies: bodies, keepOpen: keepOpen)
                done.signal()
            }
            thread.name = "rowcol-mirror-lane"
            thread.start()
        }

        func finish() -> (fds: [Int32], error: (any Error)?) {
            done.wait()
            return result
        }
    }

    /// A document's bytes, from the compact bodies of the log line that made it when there is one.
    private static func storedBytes(
        _ document: MirrorDocument, _ source: MirrorReplay.Source?, _ bodies: [LogLineBodies]
    ) -> [UInt8] {
        guard let (line, places) = bodyPlaces(source, bodies) else { return document.storedBytes() }
        return bodies[line].line.withUnsafeBufferPointer { line in
            document.storedBytes(
                compactData: places.data.map { UnsafeBufferPointer(rebasing: line[$0]) },
                compactQBO: places.qbo.map { UnsafeBufferPointer(rebasing: line[$0]) })
        }
    }

    /// Where the bodies of the change `source` points to sit in `bodies`, when they are there.
    private static func bodyPlaces(_ source: MirrorReplay.Source?, _ bodies: [LogLineBodies]) -> (line: Int, places: LogLineBodies.Change)? {
        guard let source, source.line < bodies.count, source.change < bodies[source.line].changes.count else { return nil }
        return (source.line, bodies[source.line].changes[source.change])
    }

    /// Keeps a listed folder's names in step with a rename into it or a removal from it.
    private func noteName(of path: String, present: Bool) {
        guard let slash = path.lastIndex(of: "/") else { return }
        let folder = String(path[..<slash])
        guard folderNames[folder] != nil else { return }
        let name = String(path[path.index(after: slash)...])
        if present { folderNames[folder]!.insert(name) } else { folderNames[folder]!.remove(name) }
    }

    // MARK: Rebuild

    /// Re-derives every business's mirror from `entries` (the whole log) into a fresh folder, then
    /// swaps it in. Documents come out byte-identical to the live writer's.
    func rebuild(from entries: [LogEntry], lastSeq: LogSeq) throws {
        forgetFolders()
        defer { forgetFolders() }
        let documents = try Self.replayAll(entries, advisor: advisor)
        for business in try workspace.businesses(of: advisor) {
            try requireBusiness(business)
            let folder = paths.business(ref(business))
            let fresh = folder + "/.mirror.rebuild.tmp"
            let old = folder + "/.mirror.old.tmp"
            try workspace.removeTree(fresh)
            try workspace.removeTree(old)
            try FileSystem.makeDirectory(fresh)
            for kind in EntityKind.allCases { try FileSystem.makeDirectory(fresh + "/" + kind.folderName) }
            let mine = documents.filter { $0.key.business == business }
            // As in a batch: flushed all at once, so closed once written (a business may have more
            // documents than the process may have files open).
            let flushAll = mine.count > Self.fileSystemSyncThreshold
            var written: [(String, Int32)] = []
            defer { for (_, fd) in written where fd >= 0 { FileSystem.closeFile(fd) } }
            for (key, document) in mine {
                let path = fresh + "/" + key.kind.folderName + "/" + key.id.rawValue + ".json"
                written.append((path, try FileSystem.createFile(path, O_EXCL, document.storedBytes(), keepOpen: !flushAll)))
            }
            let flushedAtOnce = flushAll ? try FileSystem.syncFileSystem(containing: paths.root) : false
            if !flushedAtOnce { for (path, fd) in written { try FileSystem.syncFile(fd, path: path) } }
            for kind in EntityKind.allCases { try FileSystem.syncDirectory(fresh + "/" + kind.folderName) }
            try FileSystem.syncDirectory(fresh)
            let mirror = paths.mirror(ref(business))
            try FileSystem.moveItem(mirror, old)
            try FileSystem.moveItem(fresh, mirror)
            try FileSystem.syncDirectory(folder)
            try workspace.removeTree(old)
            var state = try state(of: business)
            state.checkpoint = lastSeq
            try writeState(state, for: business)
            for kind in EntityKind.allCases where kind.hasOpenItems {
                var open: [EntityID: JSONValue] = [:]
                for (key, document) in documents where key.business == business && key.kind == kind {
                    open[key.id] = OpenItemsIndex.openData(kind, document)
                }
                try writeIndex(open, IndexKey(business: business, kind: kind), checkpoint: lastSeq)
            }
        }
    }

    /// The final documents of a replay of `entries` from an empty mirror.
    static func replayAll(_ entries: [LogEntry], advisor: AdvisorID) throws -> [MirrorReplay.Key: MirrorDocument] {
        var replay = MirrorReplay(advisor: advisor) { _ in nil }
        for entry in entries { try replay.apply(entry) }
        var documents: [MirrorReplay.Key: MirrorDocument] = [:]
        for (key, document, _) in replay.changed {
            if let document { documents[key] = document }
        }
        return documents
    }
}
