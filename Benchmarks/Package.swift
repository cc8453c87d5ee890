// swift-tools-version: 6.1
import PackageDescription

// A package of its own so that GRDB (the SQLite baseline) never enters the main build.
let package = Package(
    name: "RowColBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "RowCol", path: ".."),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Accuracy of the runway's timing model (issue 13): needs only the RowCol library.
        .executableTarget(name: "rowcol-backtest", dependencies: [.product(name: "RowCol", package: "RowCol")]),
        // The fetch-only baseline of case 10: Foundation only, nothing of RowCol.
        .executableTarget(name: "rowcol-fetch"),
        .executableTarget(
            name: "rowcol-bench",
            dependencies: [
                .product(name: "RowCol", package: "RowCol"),
                .product(name: "QBOSandbox", package: "RowCol"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "RowColWeb", package: "RowCol"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
