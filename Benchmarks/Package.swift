// swift-tools-version: 6.1
import PackageDescription

// A package of its own so that GRDB (the SQLite baseline) never enters the main build.
let package = Package(
    name: "RowColBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "RowCol", path: ".."),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Accuracy of the runway's timing model (issue 13): needs only the RowCol library.
        .executableTarget(name: "rowcol-backtest", dependencies: [.product(name: "RowCol", package: "RowCol")]),
        .executableTarget(
            name: "rowcol-bench",
            dependencies: [
                .product(name: "RowCol", package: "RowCol"),
                .product(name: "QBOSandbox", package: "RowCol"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
