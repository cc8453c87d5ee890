import Foundation
import RowColDomain
import RowColStore

/// A fresh workspace in a temporary folder with advisor `ada` and business `acme`.
public struct StoreFixture: Sendable {
    public let folder: URL
    public let workspace: Workspace
    public let advisor = try! AdvisorID(validating: "ada")
    public let business = try! BusinessID(validating: "acme")
    public var ref: BusinessRef { BusinessRef(advisor: advisor, business: business) }

    public init(addAdvisor: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("rowcol-store-tests-\(UUID().uuidString)")
        workspace = try Workspace.create(at: folder, forTests: true)
        if addAdvisor {
            try workspace.addAdvisor(advisor)
            try workspace.addBusiness(BusinessInfo(
                advisor: advisor, business: business, realmID: "9130", environment: "local",
                baseURL: "http://127.0.0.1:1"))
        }
    }

    public var root: String { workspace.root.path }
    public var logFolder: String { root + "/advisors/ada/log" }
    public var billsFolder: String { root + "/advisors/ada/businesses/acme/mirror/bills" }
    /// Where the mirror writer keeps its temp documents until it renames them into place (one
    /// folder per thread that writes them).
    public var stagingFolders: [String] { ["0", "1"].map { root + "/advisors/ada/businesses/acme/mirror/.staging/" + $0 } }
    public func segment(_ number: Int) -> String { logFolder + "/" + String(format: "%06d.jsonl", number) }

    public func open(segmentLimit: Int = 64 << 20) throws -> AdvisorStore {
        try AdvisorStore.open(workspace, advisor: advisor, options: .init(segmentLimit: segmentLimit))
    }

    public func remove() { try? FileManager.default.removeItem(at: folder) }
}

public func readBytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

public func writeBytes(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

/// Every file under `folder` (relative path → bytes), for byte-for-byte comparisons.
public func snapshot(_ folder: String) throws -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return files }
    while let relative = enumerator.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory),
            !isDirectory.boolValue
        {
            files[relative] = try readBytes(folder + "/" + relative)
        }
    }
    return files
}
