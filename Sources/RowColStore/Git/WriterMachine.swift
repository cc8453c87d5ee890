import Foundation
import RowColJSON

/// Which machine writes a workspace that is shared through git (`writer.json` at its root).
///
/// Each advisor stays the single writer of its folder (DESIGN §10): a clone on another machine
/// reads, but ``AdvisorStore`` and the workspace's own writes refuse to change it, naming the
/// writer, until `rowcol git take-over` records the new machine here — the way an advisor moves
/// to a new laptop.
///
/// A machine is named by ``current(environment:)``: `ROWCOL_MACHINE_ID` when set, else a random
/// id created once per user in `$XDG_CONFIG_HOME/rowcol/machine-id` (`~/.config/rowcol/machine-id`).
/// It is stable for as long as that file is, identifies nothing about the hardware, and differs
/// for two users of one computer (each has its own secrets).
public struct WriterMachine: Hashable, Sendable, Codable {
    /// The machine's RowCol id.
    public var machineID: String
    /// Its host name, for people.
    public var host: String
    /// Since when it writes the workspace.
    public var since: Date

    public init(machineID: String, host: String, since: Date) {
        self.machineID = machineID
        self.host = host
        self.since = since
    }

    /// This machine's host name (`gethostname`, no name lookup).
    public static var hostName: String { FileSystem.hostName }

    /// This machine, as of `now`.
    /// - Throws: ``StoreError`` when the id file cannot be created.
    public static func current(
        environment: [String: String] = ProcessInfo.processInfo.environment, now: Date = Date()
    ) throws -> WriterMachine {
        WriterMachine(machineID: try machineID(environment: environment), host: FileSystem.hostName, since: now)
    }

    /// This machine's id (see the type's documentation).
    public static func machineID(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let id = environment["ROWCOL_MACHINE_ID"], !id.isEmpty { return id }
        let config: String
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            config = xdg
        } else if let home = FileSystem.homeFolder {
            config = home + "/.config"
        } else {
            throw StoreError(
                code: .notFound, message: "no home folder to keep this machine's RowCol id in: set ROWCOL_MACHINE_ID")
        }
        let folder = config + "/rowcol"
        let path = folder + "/machine-id"
        if FileSystem.kind(of: path) == .file {
            let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { return text }
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError(code: .io, message: "cannot create \(folder): \(error.localizedDescription)", path: folder)
        }
        let id = UUID().uuidString.lowercased()
        try FileSystem.writeAtomically(Array((id + "\n").utf8), to: path, temp: path + ".tmp", durable: true)
        return id
    }

    enum CodingKeys: String, CodingKey {
        case host, since
        case machineID = "machine_id"
    }
}

extension Workspace {
    /// The machine recorded as the workspace's writer, when it has one (a git-shared workspace).
    public func writerMachine() throws -> WriterMachine? {
        guard FileSystem.kind(of: paths.writer) != .missing else { return nil }
        return try decodeFile(WriterMachine.self, at: paths.writer)
    }

    /// Records `machine` as the writer (`rowcol git enable`, `rowcol git take-over`).
    public func recordWriter(_ machine: WriterMachine) throws {
        try FileSystem.writeAtomically(
            try JSONCoding.documentBytes(machine), to: paths.writer, temp: paths.writer + ".tmp", durable: true)
    }

    /// Refuses to write a clone whose writer is another machine.
    /// - Throws: ``StoreError`` `.readOnly` naming the writer and how to take over.
    public func requireWriter(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let writer = try writerMachine() else { return }
        let here = try WriterMachine.machineID(environment: environment)
        guard writer.machineID != here else { return }
        throw StoreError(
            code: .readOnly,
            message: "\(root.path) is written on \(writer.host) (machine \(writer.machineID), since "
                + "\(Timestamp(writer.since))); this clone is read-only here. To make this machine its "
                + "writer, run `rowcol git take-over --workspace \(root.path)`", path: paths.writer)
    }
}
