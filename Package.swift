// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "docqa",
    products: [
        .library(name: "DocQA", targets: ["DocQA"]),
        .executable(name: "docqa", targets: ["docqa"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries, found through pkg-config. Scripts/bootstrap installs them.
        .systemLibrary(name: "CLlama", pkgConfig: "llama",
                       providers: [.apt(["(built by Scripts/bootstrap)"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib",
                       providers: [.apt(["libpoppler-glib-dev"])]),
        // Leptonica's pkg-config file gives the include folder Tesseract's C API needs;
        // the module map links libtesseract itself. Tesseract's own file would also link
        // docqa to libcurl and libarchive, which docqa never calls (libtesseract loads
        // what it needs), and would make the package depend on whichever libcurl variant
        // the build machine's -dev package points to.
        .systemLibrary(name: "CTesseract", pkgConfig: "lept",
                       providers: [.apt(["libtesseract-dev", "tesseract-ocr-eng"])]),
        // libcsv ships no pkg-config file; its header and library are on the default paths.
        .systemLibrary(name: "CCSV", providers: [.apt(["libcsv-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CLibZip", pkgConfig: "libzip",
                       providers: [.apt(["libzip-dev"])]),
        .systemLibrary(name: "CGMime", pkgConfig: "gmime-3.0",
                       providers: [.apt(["libgmime-3.0-dev"])]),
        .target(
            name: "DocQA",
            dependencies: ["CLlama", "CSQLite", "CPoppler", "CCSV", "CLibXML2", "CLibZip", "CGMime", "CTesseract"]
        ),
        .executableTarget(
            name: "docqa",
            dependencies: [
                "DocQA",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "docqa-knn-bench", dependencies: ["DocQA"], path: "Benchmarks/KNN"),
        .executableTarget(name: "docqa-ocr-bench", dependencies: ["DocQA"], path: "Benchmarks/OCR"),
        .executableTarget(name: "docqa-extract-bench", dependencies: ["DocQA"], path: "Benchmarks/Extract"),
        // Temporary folders and repository paths for both test targets; depends on nothing.
        .target(
            name: "DocQATestSupport",
            path: "Tests/DocQATestSupport"
        ),
        .testTarget(
            name: "DocQATests",
            dependencies: ["DocQA", "DocQATestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "docqaCLITests",
            dependencies: ["docqa", "DocQATestSupport"]
        ),
    ]
)
