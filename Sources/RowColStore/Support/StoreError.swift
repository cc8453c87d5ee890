/// An error from the workspace store: what went wrong, where, and what to do about it.
///
/// Match on ``code`` to react to a kind of failure:
/// ```swift
/// do { _ = try await AdvisorStore.open(workspace, advisor: advisor) }
/// catch StoreError.Code.busy { print("another rowcol is writing; try again") }
/// ```
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case notAWorkspace, newerFormat, alreadyExists, notFound, busy, corruptLog, corruptDocument
            case symlinkRefused, invalidArgument, io, diskFull, closed, readOnly
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The folder is not a RowCol workspace (no readable `rowcol.json`).
        public static let notAWorkspace = Code(.notAWorkspace)
        /// The workspace was written by a newer RowCol.
        public static let newerFormat = Code(.newerFormat)
        /// Something to create exists already.
        public static let alreadyExists = Code(.alreadyExists)
        /// An advisor, business or file that was asked for does not exist.
        public static let notFound = Code(.notFound)
        /// Another writer holds the advisor's lock.
        public static let busy = Code(.busy)
        /// The integration log is damaged somewhere other than its last line.
        public static let corruptLog = Code(.corruptLog)
        /// A mirror or state document cannot be read.
        public static let corruptDocument = Code(.corruptDocument)
        /// A path inside the workspace is a symlink (possibly pointing outside it).
        public static let symlinkRefused = Code(.symlinkRefused)
        /// A caller passed something the store cannot accept.
        public static let invalidArgument = Code(.invalidArgument)
        /// A system call failed.
        public static let io = Code(.io)
        /// The disk is full.
        public static let diskFull = Code(.diskFull)
        /// The store was closed, or stopped after a failed write.
        public static let closed = Code(.closed)
        /// The workspace is a clone whose writer is another machine (see ``WriterMachine``).
        public static let readOnly = Code(.readOnly)

        public var description: String { kind.rawValue }

        /// Lets `catch StoreError.Code.busy` match a thrown ``StoreError``.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? StoreError)?.code == code
        }
    }

    public var code: Code
    /// One line a person can act on.
    public var message: String
    /// The file or folder concerned, when there is one.
    public var path: String?
    /// The 1-based line in ``path``, for log corruption.
    public var line: Int?

    public init(code: Code, message: String, path: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.line = line
    }

    public var description: String { message }
}
