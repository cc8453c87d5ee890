import NIOCore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import QBOSandbox
import RowCol
@_exported import RowColTestSupport
@testable import RowColWeb
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every test of this target runs one at a time: each reads or makes a synced workspace against a
/// sandbox, and on two cores a target's worth of them at once starves the servers of every other
/// target running beside them.
@Suite(.serialized) struct WebTests {}

/// A sandbox in this process and a workspace with advisor `ada` (businesses `acme` and `bolt`,
/// synced) and advisor `bob` (business `carl`, which `ada`'s workbench must never show).
struct WebFixture: Sendable {
    let sandbox: QBOSandboxServer
    let control: QBOSandboxControl
    let folder: TempFolder
    let workspace: Workspace
    let ada = try! AdvisorID(validating: "ada")
    let bob = try! AdvisorID(validating: "bob")
    /// business id → realm.
    let realms: [String: String]

    static let token = "test-token-0123456789abcdef"

    private static let sharedTask = Task { try await WebFixture.make(bills: 20, invoices: 15) }

    /// One fixture for the tests that only read, or whose writes leave what others read as it was
    /// (a sync, a refused payment): made once per test process and kept until it ends.
    static func shared() async throws -> WebFixture { try await sharedTask.value }

    /// - Parameter bills: bills per business of ada (bob's has 3).
    static func make(bills: Int = 12, invoices: Int = 8, sync: Bool = true) async throws -> WebFixture {
        var options = QBOSandboxOptions()
        options.throttleEnabled = false
        options.previousRefreshTokenGrace = 0
        let sandbox = try await QBOSandboxServer.start(options)
        let control = QBOSandboxControl(baseURL: sandbox.baseURL)
        let folder = try TempFolder("web")
        let workspace = try Workspace.create(at: folder.url.appendingPathComponent("books"), forTests: true)
        let ada = try AdvisorID(validating: "ada")
        let bob = try AdvisorID(validating: "bob")
        _ = try workspace.addAdvisor(ada)
        _ = try workspace.addAdvisor(bob)
        var realms: [String: String] = [:]
        for (advisor, business, count, seed) in [(ada, "acme", bills, 1), (ada, "bolt", bills, 2), (bob, "carl", 3, 3)] {
            let realm = String(100_000 + Int.random(in: 0..<899_999_999))
            // No paid past: these tests are about today's open items (the digest, the tray, payments).
            try await control.createRealm(realm, seed: seed, bills: count, invoices: invoices, accounts: 1, historyMonths: 0)
            let tokens = try await control.tokens(realm: realm)
            try await Connections(workspace: workspace, advisor: advisor).connect(
                business: BusinessID(validating: business), realmID: realm, environment: .local,
                baseURL: sandbox.baseURL.absoluteString, displayName: business.capitalized + " Inc", credentials: .sandbox,
                grant: .refreshToken(tokens.refreshToken))
            realms[business] = realm
        }
        let fixture = WebFixture(sandbox: sandbox, control: control, folder: folder, workspace: workspace, realms: realms)
        if sync {
            for advisor in [ada, bob] {
                let session = try await AdvisorSession.open(workspace: workspace, advisor: advisor, environment: [:])
                _ = try await session.sync(strict: true)
                await session.close()
            }
        }
        return fixture
    }

    func remove() async {
        try? await sandbox.stop()
        folder.remove()
    }

    /// ada's workbench.
    func workbench(
        readOnly: Bool = false, environment: [String: String] = [:], webhookToken: String? = nil,
        planning: (any WorkbenchPlanning)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws -> Workbench {
        var options = WorkbenchOptions(token: Self.token, environment: environment)
        options.port = 0
        options.readOnly = readOnly
        options.webhookVerifierToken = webhookToken
        options.planning = planning
        options.lockWait = .seconds(30)
        return try Workbench(workspace: workspace, advisor: ada, options: options, logger: logger, now: now)
    }

    func ref(_ business: String) -> BusinessRef { BusinessRef(advisor: ada, business: try! BusinessID(validating: business)) }

    /// Every secret in the workspace: OAuth tokens and client secrets of every business.
    func secrets() throws -> [String] {
        var found: [String] = []
        for advisor in ["ada", "bob"] {
            let folder = workspace.root.appendingPathComponent("secrets/\(advisor)")
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                let data = try Data(contentsOf: folder.appendingPathComponent(name))
                let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
                for key in ["access_token", "refresh_token", "client_secret"] {
                    if let value = object[key] as? String, value.count >= 8 { found.append(value) }
                }
            }
        }
        return found
    }

    func openBills(_ business: String) throws -> [Bill] {
        try workspace.mirrorReader(for: ada).openBills(of: ref(business)).sorted { $0.id < $1.id }
    }

    func paymentsCreated() async throws -> Int { try await control.stats().billPaymentsCreated }
}

/// Requests to a workbench through HummingbirdTesting's in-process router client, as a browser
/// (cookie + CSRF) or a script (Bearer).
struct WebClient: Sendable {
    let client: any TestClientProtocol
    let workbench: Workbench

    enum Auth: Sendable { case none, bearer, cookie, cookieWithCSRF, wrongToken }

    func headers(_ auth: Auth, _ extra: HTTPFields = [:]) -> HTTPFields {
        var fields = extra
        switch auth {
        case .none: break
        case .bearer: fields[.authorization] = "Bearer \(WebFixture.token)"
        case .wrongToken: fields[.authorization] = "Bearer not-the-token-at-all"
        case .cookie: fields[.cookie] = "\(workbench.policy.cookieName)=\(WebFixture.token)"
        case .cookieWithCSRF:
            fields[.cookie] = "\(workbench.policy.cookieName)=\(WebFixture.token)"
            fields[HTTPField.Name("X-CSRF-Token")!] = workbench.policy.csrfToken
        }
        return fields
    }

    func get(_ uri: String, _ auth: Auth = .bearer, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: headers(auth, extra))
    }

    func post(_ uri: String, _ auth: Auth = .bearer, json: String? = nil, form: String? = nil, headers extra: HTTPFields = [:])
        async throws -> TestResponse
    {
        var fields = headers(auth, extra)
        var body: ByteBuffer?
        if let json {
            fields[.contentType] = "application/json"
            body = ByteBuffer(string: json)
        } else if let form {
            fields[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: form)
        }
        return try await client.execute(uri: uri, method: .post, headers: fields, body: body)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed]) }
    func object() throws -> [String: Any] { try #require(try json() as? [String: Any], "not a JSON object: \(text.prefix(300))") }
}

/// Runs `body` against the workbench's router in process. The router test client always says
/// `Host: localhost`; that name is allowed here as it is for a server listening on 8040.
func withRouter<T: Sendable>(_ workbench: Workbench, _ body: @escaping @Sendable (WebClient) async throws -> T) async throws -> T {
    workbench.policy.listening(on: 8040)
    workbench.policy.allowBareHostForTests()
    let app = Application(router: workbench.makeRouter())
    return try await app.test(.router) { client in try await body(WebClient(client: client, workbench: workbench)) }
}

/// One HTTP/1.1 exchange over a raw socket, for what a client library will not send: a foreign
/// or missing Host header. The blocking socket calls run on a thread of their own, never on the
/// cooperative pool.
enum RawHTTP {
    struct Answer: Sendable {
        var status: Int
        var head: String
        var body: String
    }

    static func exchange(port: Int, _ request: String, readUntil: String? = nil) async throws -> Answer {
        let text: String = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    continuation.resume(returning: try blockingExchange(port: port, request, readUntil: readUntil))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return Answer(status: status, head: head, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// A socket connected to 127.0.0.1:`port`, giving up a read after 20 seconds.
    static func connected(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket() failed") }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw TestSupportError("connect to 127.0.0.1:\(port) failed")
        }
        return fd
    }

    static func blockingExchange(port: Int, _ request: String, readUntil: String?) throws -> String {
        let fd = try connected(port: port)
        defer { close(fd) }
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
            if let readUntil, String(decoding: received, as: UTF8.self).contains(readUntil) { break }
        }
        return String(decoding: received, as: UTF8.self)
    }
}

enum WebhookSigning {
    /// The `intuit-signature` Intuit sends: base64 HMAC-SHA256 of the body with the verifier token.
    static func sign(_ body: Data, key: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(key.utf8)))).base64EncodedString()
    }
}
