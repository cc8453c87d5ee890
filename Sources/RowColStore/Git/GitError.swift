import Foundation

/// A failure of the workspace's git adapter: what was run, where, and what git said.
///
/// ```swift
/// do { try await repository.push() }
/// catch GitError.Code.pushRejected { print("the remote has commits this workspace does not") }
/// ```
public struct GitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case gitNotFound, commandFailed, notARepository, notEnabled, pushRejected, noRemote
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// No `git` program was found on `PATH`.
        public static let gitNotFound = Code(.gitNotFound)
        /// A git command exited with an error (the message carries what it printed).
        public static let commandFailed = Code(.commandFailed)
        /// The workspace is not inside a git repository.
        public static let notARepository = Code(.notARepository)
        /// The repository exists but `rowcol git enable` was not run in it.
        public static let notEnabled = Code(.notEnabled)
        /// The remote has commits this workspace does not: nothing was overwritten.
        public static let pushRejected = Code(.pushRejected)
        /// A push was asked for, but no remote is configured.
        public static let noRemote = Code(.noRemote)

        public var description: String { kind.rawValue }

        /// Lets `catch GitError.Code.pushRejected` match a thrown ``GitError``.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? GitError)?.code == code
        }
    }

    public var code: Code
    /// One line a person can act on.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
