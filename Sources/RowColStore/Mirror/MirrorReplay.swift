import RowColDomain

/// The mirror as a pure function of the log: applies log lines' changes to documents in memory.
///
/// The live writer and `rebuild` both go through this type, so they produce the same documents
/// (same `version`, same `log_seq`) and, encoded by the same encoder, the same bytes.
struct MirrorReplay {
    struct Key: Hashable, Comparable {
        var business: BusinessID
        var kind: EntityKind
        var id: EntityID

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.business.rawValue, lhs.kind.folderName, lhs.id.rawValue)
                < (rhs.business.rawValue, rhs.kind.folderName, rhs.id.rawValue)
        }
    }

    struct Slot {
        /// The document as it was on disk when first touched.
        var original: MirrorDocument?
        var current: MirrorDocument?
        /// Lines up to this seq are already reflected by the document found on disk: a crash hit
        /// after it was written but before the checkpoint, and replaying them again would count
        /// versions twice.
        var appliedThrough: LogSeq
        /// The change that made ``current`` (its line among those applied, and its place in the
        /// line), when this replay made it.
        var source: Source?
    }

    struct Source {
        var line: Int
        var change: Int
    }

    let advisor: AdvisorID
    /// Per business, the lines at or below which are already applied.
    var checkpoints: [BusinessID: LogSeq]
    private(set) var slots: [Key: Slot] = [:]
    private(set) var appliedLines = 0
    private(set) var touchedBusinesses: Set<BusinessID> = []
    private let load: (Key) throws -> MirrorDocument?

    init(advisor: AdvisorID, checkpoints: [BusinessID: LogSeq] = [:], load: @escaping (Key) throws -> MirrorDocument?) {
        self.advisor = advisor
        self.checkpoints = checkpoints
        self.load = load
    }

    /// - Parameter line: the entry's place among the lines given to this replay, recorded as the
    ///   ``Source`` of the documents it makes.
    mutating func apply(_ entry: LogEntry, line: Int? = nil) throws {
        if let checkpoint = checkpoints[entry.business], entry.seq <= checkpoint { return }
        guard let changes = entry.payload?.changes, !changes.isEmpty else { return }
        appliedLines += 1
        touchedBusinesses.insert(entry.business)
        for (position, change) in changes.enumerated() {
            let key = Key(business: entry.business, kind: change.entity, id: change.id)
            var slot: Slot
            if let existing = slots[key] {
                slot = existing
            } else {
                let onDisk = try load(key)
                slot = Slot(original: onDisk, current: onDisk, appliedThrough: onDisk?.logSeq ?? .zero)
            }
            if entry.seq <= slot.appliedThrough {
                slots[key] = slot
                continue
            }
            switch change.operation {
            case .delete:
                slot.current = nil
                slot.source = nil
            case .upsert:
                if let current = slot.current, current.isUnchanged(by: change) { break }
                slot.source = line.map { Source(line: $0, change: position) }
                slot.current = MirrorDocument(
                    advisor: advisor, business: entry.business, entity: change.entity, id: change.id,
                    version: (slot.current?.version ?? 0) + 1, sourceVersion: change.sourceVersion,
                    logSeq: entry.seq, updatedAt: change.updatedAt, data: change.data, qbo: change.qbo)
            }
            slots[key] = slot
        }
    }

    /// The documents whose final state differs from what was on disk (`original`), in a stable order.
    var changed: [(key: Key, document: MirrorDocument?, original: MirrorDocument?)] {
        changedWithSources.map { ($0.key, $0.document, $0.original) }
    }

    /// ``changed``, with the change that made each document.
    var changedWithSources: [(key: Key, document: MirrorDocument?, original: MirrorDocument?, source: Source?)] {
        // Keys sorted alone, then the slots looked up: sorting the slots themselves copies documents.
        slots.compactMap { $0.value.current != $0.value.original ? $0.key : nil }.sorted()
            .map { key in
                let slot = slots[key]!
                return (key, slot.current, slot.original, slot.source)
            }
    }
}
