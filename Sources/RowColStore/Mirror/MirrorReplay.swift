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

    mutating func apply(_ entry: LogEntry) throws {
        if let checkpoint = checkpoints[entry.business], entry.seq <= checkpoint { return }
        guard let changes = entry.payload?.changes, !changes.isEmpty else { return }
        appliedLines += 1
        touchedBusinesses.insert(entry.business)
        for change in changes {
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
            case .upsert:
                if let current = slot.current, current.isUnchanged(by: change) { break }
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
        slots.filter { $0.value.current != $0.value.original }
            .sorted { $0.key < $1.key }
            .map { ($0.key, $0.value.current, $0.value.original) }
    }
}
