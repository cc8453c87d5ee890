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
        .executable(name: "rowcol", targets: ["RowColCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
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
        .executableTarget(
            name: "RowColCLI",
            dependencies: [
                "RowCol", "QBOSandbox", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "FlyingFox", package: "FlyingFox"), .product(name: "FlyingSocks", package: "FlyingFox"),
            ], swiftSettings: swiftSettings),
        .executableTarget(name: "LibrarySample", dependencies: ["RowCol", "QBOSandbox"], path: "Samples/LibrarySample", swiftSettings: swiftSettings),

        // Shared by the test targets: binary locator, a process runner that never blocks the
        // cooperative pool, temp folders, the seeded generator.
        .target(name: "RowColTestSupport", path: "Tests/RowColTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "RowColJSONTests", dependencies: ["RowColJSON"], swiftSettings: swiftSettings),
        .testTarget(name: "RowColDomainTests", dependencies: ["RowColDomain", "RowColTestSupport"], swiftSettings: swiftSettings),
        // The runway's `--json` shape is printed by the JSON leaf's encoder, which the tests use too.
        .testTarget(name: "RowColRunwayTests", dependencies: ["RowColRunway", "RowColJSON"], swiftSettings: swiftSettings),
        .testTarget(name: "RowColStoreTests", dependencies: ["RowColStore", "RowColJSON", "RowColCLI", "RowColTestSupport"], swiftSettings: swiftSettings),
        // The client is tested against the sandbox over loopback HTTP; FlyingFox also serves the
        // small scripted stand-in used where a test needs exact control of each answer.
        .testTarget(
            name: "QBOTests",
            dependencies: [
                "QBO", "RowCol", "RowColJSON", "QBOSandbox", "RowColTestSupport",
                .product(name: "FlyingFox", package: "FlyingFox"), .product(name: "FlyingSocks", package: "FlyingFox"),
            ], swiftSettings: swiftSettings),
        .testTarget(name: "QBOSandboxTests", dependencies: ["QBOSandbox"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RowColSyncTests",
            dependencies: ["RowColSync", "RowColStore", "RowColJSON", "QBO", "QBOSandbox", "RowColTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AcceptanceTests",
            dependencies: [
                "RowCol", "RowColSync", "QBO", "QBOSandbox", "RowColCLI", "RowColTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: swiftSettings),
        // Drives the built `rowcol` binary (hence RowColCLI) against the sandbox: crash campaign,
        // fault soak, isolation, backup.
        .testTarget(name: "ReliabilityTests", dependencies: ["RowCol", "RowColCLI", "QBOSandbox", "RowColTestSupport"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
