// swift-tools-version: 6.1
import PackageDescription

// The dependency lists below are the architecture (DESIGN §1): RowColRunway sees only the domain,
// the QBO client and the sandbox see nothing of ours, and only the composition root sees everything.
let package = Package(
    name: "RowCol",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "RowColDomain", targets: ["RowColDomain"]),
        .library(name: "RowCol", targets: ["RowCol"]),
        .executable(name: "rowcol", targets: ["RowColCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .target(name: "RowColDomain"),
        .target(
            name: "RowColStore",
            dependencies: ["RowColDomain", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "RowCol", dependencies: ["RowColDomain", "RowColStore"]),
        .executableTarget(
            name: "RowColCLI",
            dependencies: ["RowCol", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .testTarget(name: "RowColDomainTests", dependencies: ["RowColDomain"]),
        .testTarget(name: "RowColStoreTests", dependencies: ["RowColStore", "RowColCLI"]),
    ],
    swiftLanguageModes: [.v6]
)
