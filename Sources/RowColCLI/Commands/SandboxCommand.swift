import ArgumentParser
import Foundation
import QBOSandbox

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the built-in QuickBooks Online sandbox.",
        subcommands: [SandboxServeCommand.self])
}

struct SandboxServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a local QBO emulator on 127.0.0.1 until interrupted.",
        discussion: """
            Speaks QBO's wire format (OAuth, query, CDC, writes, faults) plus a control API under \
            /__sandbox/ to seed companies, mint tokens, change data behind the client's back and \
            inject faults. See Sources/QBOSandbox/README.md. With --data the companies are saved \
            there on exit and loaded on start.
            """)

    @Option(help: "The port (0 picks a free one).") var port: UInt16 = 0
    @Option(help: ArgumentHelp("Persist companies and tokens in this folder.", valueName: "dir")) var data: String?
    @Flag(help: "Do not throttle (500/min, 10 at once per realm), e.g. for benchmarks.") var noThrottle = false
    @Option(help: "Access-token lifetime in seconds.") var accessTokenLifetime: Int = 3600
    @Option(help: "Seconds a replaced refresh token still works (Intuit: 86400; 0 refuses it at once).")
    var refreshTokenGrace: Int = 86_400

    func run() async throws {
        var options = QBOSandboxOptions()
        options.port = port
        options.dataDirectory = data.map { URL(fileURLWithPath: $0, isDirectory: true) }
        options.throttleEnabled = !noThrottle
        options.accessTokenLifetime = accessTokenLifetime
        guard refreshTokenGrace >= 0 else { throw ValidationError("--refresh-token-grace must be 0 or more seconds") }
        options.previousRefreshTokenGrace = refreshTokenGrace
        let server = try await QBOSandboxServer.start(options)
        // Written unbuffered: scripts wait for this line to learn the URL.
        FileHandle.standardOutput.write(Data("""
            QBO sandbox listening on \(server.baseURL.absoluteString)
            client id sandbox-client, secret sandbox-secret; control API at \(server.baseURL.absoluteString)/__sandbox/

            """.utf8))
        await waitForTermination()
        try await server.stop()
        print("sandbox stopped\(data.map { "; data saved in \($0)" } ?? "")")
    }
}

/// Suspends until SIGINT or SIGTERM, so that the caller can shut down cleanly (FlyingFox does
/// not handle signals itself).
func waitForTermination() async {
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let resumed = SignalLatch(continuation)
        for number in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { resumed.fire() }
            source.resume()
            SignalLatch.keep(source)
        }
    }
}

final class SignalLatch: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

    static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }

    func fire() {
        lock.lock()
        let pending = continuation
        continuation = nil
        lock.unlock()
        pending?.resume()
    }
}
