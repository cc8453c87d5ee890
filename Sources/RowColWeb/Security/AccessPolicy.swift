import Foundation
import Hummingbird
import RowCol

/// Who may talk to a workbench, and how that is checked (DESIGN §11).
///
/// - **Host**: the `Host` header must name the server as it was bound (`127.0.0.1:PORT`,
///   `localhost:PORT`, `[::1]:PORT`, or the `--host` given), so a page on another origin whose
///   DNS name was rebound to 127.0.0.1 gets nothing.
/// - **Token**: every request carries the per-run token, as `Authorization: Bearer`, or as the
///   cookie set when the printed `/?token=…` URL is first opened (then the token is dropped from
///   the address bar by a redirect).
/// - **CSRF**: a state-changing request authenticated by the cookie must also carry the CSRF
///   token (the `X-CSRF-Token` header or the `csrf_token` form field) that the pages embed, and an
///   `Origin`, when sent, must be the server's own. A Bearer request needs neither: a browser never
///   adds that header on its own.
public final class AccessPolicy: Sendable {
    /// The per-run token that grants access.
    let token: String
    /// The per-run token state-changing cookie requests must repeat.
    let csrfToken: String
    let bindHost: String
    private let allowed = Locked<(port: Int, hosts: Set<String>)>((0, []))

    /// - Parameters:
    ///   - token: the access token (see ``AccessPolicy/makeToken()``).
    ///   - bindHost: the address the server binds; it is accepted as a Host name besides the loopback names.
    public init(token: String, bindHost: String) {
        self.token = token
        csrfToken = Self.makeToken()
        self.bindHost = bindHost
    }

    /// A new random token: 32 bytes from the system's secure generator, as 64 hex digits.
    public static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(UInt8.random(in: .min ... .max, using: &generator), radix: 16).leftPadded(to: 2) }
            .joined()
    }

    /// Checks a token given by the user (`ROWCOL_SERVE_TOKEN`): long enough to resist guessing,
    /// and only characters that survive a URL and a cookie unescaped.
    /// - Throws: a message naming `name` and the rule.
    public static func validate(token: String, name: String) throws -> String {
        guard token.utf8.count >= 16, token.utf8.count <= 256 else {
            throw WorkbenchError.badRequest("\(name) must be 16 to 256 characters long")
        }
        guard token.utf8.allSatisfy({ IdentifierByte.isTokenByte($0) }) else {
            throw WorkbenchError.badRequest("\(name) may hold only A-Z, a-z, 0-9, '-', '_', '.' and '~'")
        }
        return token
    }

    /// Called once the server listens: the Host names accepted from now on.
    func listening(on port: Int) {
        var hosts: Set<String> = ["127.0.0.1", "localhost", "[::1]"]
        let bind = bindHost.contains(":") && !bindHost.hasPrefix("[") ? "[\(bindHost)]" : bindHost
        if bind != "0.0.0.0" && bind != "[::]" { hosts.insert(bind.lowercased()) }
        allowed.withLock { $0 = (port, Set(hosts.map { "\($0):\(port)" })) }
    }

    /// Accepts `Host: localhost` without a port, as HummingbirdTesting's in-process client sends it.
    /// For tests only: a real server always sees the port.
    func allowBareHostForTests() {
        allowed.withLock { _ = $0.hosts.insert("localhost") }
    }

    /// The port the server listens on (0 before it does).
    var port: Int { allowed.withLock { $0.port } }

    /// The cookie's name: one per port, since browsers share cookies across the ports of a host.
    var cookieName: String { "rowcol_\(port)" }

    /// Whether `host` (a Host header) names this server.
    func isAllowed(host: String?) -> Bool {
        guard let host else { return false }
        let lowered = host.lowercased()
        return allowed.withLock { $0.hosts.contains(lowered) }
    }

    /// Whether `origin` (an Origin header) is this server.
    func isAllowed(origin: String) -> Bool {
        guard origin.hasPrefix("http://") else { return false }
        return isAllowed(host: String(origin.dropFirst("http://".count)))
    }

    func matchesToken(_ candidate: some StringProtocol) -> Bool { Self.constantTimeEqual(candidate, token) }
    func matchesCSRF(_ candidate: some StringProtocol) -> Bool { Self.constantTimeEqual(candidate, csrfToken) }

    /// Compares without an early exit, so the time taken says nothing about how much matched.
    static func constantTimeEqual(_ lhs: some StringProtocol, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        var difference = UInt8(left.count == right.count ? 0 : 1)
        for index in 0..<max(left.count, right.count) {
            difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
        }
        return difference == 0
    }
}

enum IdentifierByte {
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
