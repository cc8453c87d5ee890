// swift-tools-version: 6.1
import PackageDescription

// The dependency lists below are the architecture (DESIGN §1): RowColRunway sees only the domain,
// the QBO client only the JSON leaf, the sandbox nothing of ours, and only the composition root
// sees everything.
// The upcoming features the Swift server projects build with: `any` spelled out for every
// existential, and members visible only from modules a file imports itself.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "RowCol",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "RowCol", targets: ["RowCol"]),
        .library(name: "RowColDomain", targets: ["RowColDomain"]),
        .library(name: "RowColJSON", targets: ["RowColJSON"]),
        .library(name: "QBO", targets: ["QBO"]),
        .library(name: "QBOSandbox", targets: ["QBOSandbox"]),
        .library(name: "RowColWeb", targets: ["RowColWeb"]),
        .executable(name: "rowcol", targets: ["RowColCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Exact JSON (value, parser, writers, cursor, tree decoder, field reader, timestamps):
        // Foundation only, no RowCol vocabulary.
        .target(name: "RowColJSON", swiftSettings: swiftSettings),
        .target(name: "RowColDomain", swiftSettings: swiftSettings),
        .target(name: "RowColRunway", dependencies: ["RowColDomain"], exclude: ["JSON.md"], swiftSettings: swiftSettings),
        .target(
            name: "RowColStore",
            dependencies: ["RowColDomain", "RowColJSON", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        .target(name: "QBO", dependencies: ["RowColJSON"], swiftSettings: swiftSettings),
        .target(
            name: "RowColSync",
            dependencies: [
                "RowColDomain", "RowColJSON", "RowColStore", "QBO", .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: swiftSettings),
        .target(
            name: "RowCol",
            dependencies: ["RowColDomain", "RowColJSON", "RowColRunway", "RowColStore", "QBO", "RowColSync"], swiftSettings: swiftSettings),
        .target(
            name: "QBOSandbox",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            exclude: ["README.md"], swiftSettings: swiftSettings),
        // The workbench (`rowcol serve`) and the webhook intake: pages, JSON API, OpenAPI document,
        // scheduler. It sees the composition root and the HTTP stack, nothing below RowCol directly.
        .target(
            name: "RowColWeb",
            dependencies: [
                "RowCol", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ], swiftSettings: swiftSettings),
        .executableTarget(
            name: "RowColCLI",
            dependencies: [
                "RowCol", "QBOSandbox", "RowColWeb", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ], swiftSettings: swiftSettings),
        .executableTarget(name: "LibrarySample", dependencies: ["RowCol", "QBOSandbox"], path: "Samples/LibrarySample", swiftSettings: swiftSettings),

        // Shared by the test targets: binary locator, a process runner that never blocks the
        // cooperative pool, temp folders, the seeded generator.
        .target(name: "RowColTestSupport", dependencies: ["RowColDomain", "RowColStore"], path: "Tests/RowColTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "RowColJSONTests", dependencies: ["RowColJSON", "RowColTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "RowColDomainTests", dependencies: ["RowColDomain", "RowColTestSupport"], swiftSettings: swiftSettings),
        // The runway's `--json` shape is printed by the JSON leaf's encoder, which the tests use too.
        .testTarget(
            name: "RowColRunwayTests", dependencies: ["RowColRunway", "RowColJSON", "RowColTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "RowColStoreTests", dependencies: ["RowColStore", "RowColJSON", "RowColTestSupport"], swiftSettings: swiftSettings),
        // The client is tested against the sandbox over loopback HTTP; FlyingFox also serves the
        // small scripted stand-in used where a test needs exact control of each answer.
        .testTarget(
            name: "QBOTests",
            dependencies: [
                "QBO", "RowCol", "RowColJSON", "QBOSandbox", "RowColTestSupport",
                .product(name: "FlyingFox", package: "FlyingFox"), .product(name: "FlyingSocks", package: "FlyingFox"),
            ], swiftSettings: swiftSettings),
        .testTarget(name: "QBOSandboxTests", dependencies: ["QBOSandbox", "RowColTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RowColSyncTests",
            dependencies: ["RowColSync", "RowColStore", "RowColJSON", "QBO", "QBOSandbox", "RowColTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AcceptanceTests",
            dependencies: [
                "RowCol", "RowColSync", "QBO", "QBOSandbox", "RowColCLI", "RowColTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: swiftSettings),
        // The workbench in process (HummingbirdTesting's router client) and over loopback, its
        // security, its OpenAPI document, the scheduler; the browser check when Chromium is present.
        .testTarget(
            name: "RowColWebTests",
            dependencies: [
                "RowColWeb", "RowCol", "QBO", "QBOSandbox", "RowColCLI", "RowColTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: swiftSettings),
        // Drives the built `rowcol` binary (hence RowColCLI) against the sandbox: crash campaign,
        // fault soak, isolation, backup.
        .testTarget(name: "ReliabilityTests", dependencies: ["RowCol", "RowColCLI", "QBOSandbox", "RowColTestSupport"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
