// swift-tools-version: 6.1
// HepaFoci: liver lesion detection and measurement on multi-phase MRI.
import PackageDescription

#if os(Linux)
  import Foundation
#endif

// ordo-one/benchmark is heavy to resolve; only `HEPAFOCI_BENCHMARKS=1 swift package benchmark`
// pulls it in, so plain `swift build` and `swift test` never do.
let withBenchmarks = Context.environment["HEPAFOCI_BENCHMARKS"] == "1"

// On an x86-64 build machine whose processor has the x86-64-v3 extensions (AVX2, FMA, BMI1/2,
// F16C, MOVBE, LZCNT: every x86 server since 2015), Swift code is compiled for them ("haswell",
// the first such processor): SIMD8 arithmetic then runs in one AVX register instead of two
// SSE halves. The results are the same bits (no fused multiply-adds: Swift never contracts).
// The binary then needs such a processor; `HEPAFOCI_PORTABLE=1` builds for baseline x86-64
// (for a cluster whose nodes are older than the machine that builds).
let processorSettings: [SwiftSetting] = {
  #if os(Linux) && arch(x86_64)
    guard Context.environment["HEPAFOCI_PORTABLE"] != "1",
      let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return [] }
    let flags = Set(line.split(separator: " ").map(String.init))
    let needed = ["avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "abm", "xsave", "popcnt"]
    return needed.allSatisfy(flags.contains) ? [.unsafeFlags(["-target-cpu", "haswell"])] : []
  #else
    return []
  #endif
}()

var package = Package(
  name: "HepaFoci",
  products: [
    .executable(name: "hepafoci", targets: ["hepafoci"]),
    .library(name: "FociCore", targets: ["FociCore"]),
    .library(name: "FociNIfTI", targets: ["FociNIfTI"]),
    .library(name: "FociComponents", targets: ["FociComponents"]),
    .library(name: "FociRegistration", targets: ["FociRegistration"]),
    .library(name: "FociFilters", targets: ["FociFilters"]),
    .library(name: "FociDetection", targets: ["FociDetection"]),
    .library(name: "FociPhantom", targets: ["FociPhantom"]),
    .library(name: "FociMeasurement", targets: ["FociMeasurement"]),
    .library(name: "FociAnalysis", targets: ["FociAnalysis"]),
    .library(name: "FociEvaluation", targets: ["FociEvaluation"]),
    .library(name: "FociCohort", targets: ["FociCohort"]),
    .library(name: "FociReport", targets: ["FociReport"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    // MARK: C boundary (one target per library, imported by one Swift module each)
    .target(
      name: "CNIfTI",
      linkerSettings: [.linkedLibrary("nifti2"), .linkedLibrary("znz"), .linkedLibrary("z")]
    ),
    .systemLibrary(
      name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]
    ),
    .systemLibrary(
      name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]
    ),
    .systemLibrary(
      name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]
    ),
    .systemLibrary(
      name: "CIsal", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]
    ),

    // MARK: Libraries
    .target(name: "FociCore"),
    .target(name: "FociNIfTI", dependencies: ["FociCore", "CNIfTI", "CDeflate", "CIsal"]),
    .target(name: "FociComponents", dependencies: ["FociCore"]),
    .target(name: "FociFFT", dependencies: ["FociCore", "CFFTW"]),
    .target(name: "FociRegistration", dependencies: ["FociCore", "FociFFT"]),
    .target(name: "FociFilters", dependencies: ["FociCore", "FociFFT"]),
    .target(name: "FociDetection", dependencies: ["FociCore", "FociComponents", "FociFilters", "FociRegistration"]),
    .target(name: "FociPhantom", dependencies: ["FociCore", "FociNIfTI"]),
    .target(name: "FociMeasurement", dependencies: ["FociCore"]),
    .target(
      name: "FociAnalysis",
      dependencies: ["FociCore", "FociComponents", "FociFilters", "FociRegistration", "FociDetection", "FociMeasurement"]),
    .target(name: "FociEvaluation", dependencies: ["FociCore", "FociDetection", "FociMeasurement"]),
    .target(
      name: "FociCohort",
      dependencies: ["FociCore", "FociNIfTI", "FociAnalysis", .product(name: "Crypto", package: "swift-crypto")]),
    .target(name: "FociReport", dependencies: ["FociCore", "FociNIfTI", "FociRegistration", "FociAnalysis", "FociCohort", "CPNG"]),

    // MARK: Command-line tool
    .executableTarget(
      name: "hepafoci",
      dependencies: [
        "FociCore", "FociNIfTI", "FociComponents", "FociRegistration", "FociPhantom", "FociDetection", "FociAnalysis", "FociEvaluation",
        "FociCohort", "FociReport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: Tests (fixtures written by nibabel live in Tests/Fixtures)
    .target(name: "_FociTestSupport", dependencies: ["FociCore"], path: "Tests/_FociTestSupport"),
    .testTarget(name: "FociCoreTests", dependencies: ["FociCore", "_FociTestSupport"]),
    .testTarget(name: "FociNIfTITests", dependencies: ["FociNIfTI", "FociCore", "CNIfTI", "_FociTestSupport"]),
    .testTarget(name: "FociComponentsTests", dependencies: ["FociComponents", "FociCore", "_FociTestSupport"]),
    .testTarget(name: "CFFTWTests", dependencies: ["CFFTW"]),
    .testTarget(name: "FociFiltersTests", dependencies: ["FociFilters", "FociCore", "_FociTestSupport"]),
    .testTarget(name: "FociDetectionTests", dependencies: ["FociDetection", "FociComponents", "FociFilters", "FociCore", "FociNIfTI", "FociPhantom", "_FociTestSupport"]),
    .testTarget(name: "FociRegistrationTests", dependencies: ["FociRegistration", "FociFFT", "FociCore", "FociPhantom", "_FociTestSupport"]),
    .testTarget(name: "FociAnalysisTests", dependencies: ["FociAnalysis", "FociCore", "_FociTestSupport"]),
    .testTarget(name: "FociEvaluationTests", dependencies: ["FociEvaluation", "FociDetection", "FociCore", "_FociTestSupport"]),
    .testTarget(name: "FociCohortTests", dependencies: ["FociCohort", "FociAnalysis", "FociCore", "FociNIfTI", "FociPhantom", "_FociTestSupport"]),
    .testTarget(name: "FociReportTests", dependencies: ["FociReport", "FociAnalysis", "FociCore", "FociPhantom", "_FociTestSupport"]),
    .testTarget(name: "FociMeasurementTests", dependencies: ["FociMeasurement", "FociCore", "FociComponents", "_FociTestSupport"]),
    .testTarget(name: "FociPhantomTests", dependencies: ["FociPhantom", "FociCore", "FociNIfTI", "_FociTestSupport"]),
    .testTarget(name: "HepaFociCLITests", dependencies: ["hepafoci", "FociCore", "FociNIfTI", "FociReport", "_FociTestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)

if withBenchmarks {
  package.dependencies.append(
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"])
  )
  // One ordo-one suite per folder under Benchmarks/, each an executable with the plugin.
  let suites: [(name: String, dependencies: [Target.Dependency])] = [
    ("NIfTIRead", ["FociCore", "FociNIfTI", "CNIfTI"]),
    ("Components", ["FociCore", "FociComponents"]),
    ("Detection", ["FociCore", "FociDetection", "FociPhantom"]),
    ("Phantom", ["FociPhantom"]),
    ("Measurement", ["FociCore", "FociComponents", "FociMeasurement"]),
  ]
  for suite in suites {
    package.targets.append(
      .executableTarget(
        name: suite.name,
        dependencies: suite.dependencies + [.product(name: "Benchmark", package: "benchmark")],
        path: "Benchmarks/\(suite.name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
      )
    )
  }
  // In-process timing for the peer scripts in Benchmarks/peers (no benchmark package needed).
  package.targets.append(
    .executableTarget(
      name: "components-timing",
      dependencies: ["FociCore", "FociNIfTI", "FociComponents"],
      path: "Benchmarks/ComponentsTiming"
    )
  )
}

for target in package.targets where target.type != .system {
  target.swiftSettings = (target.swiftSettings ?? []) + processorSettings
}
