import ArgumentParser
import FociCore
import FociNIfTI
import Foundation

struct Info: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Describe NIfTI volumes: grid, datatype, orientation, scaling and value statistics.",
    discussion: """
      Reads each file completely (checking that all its data is there) and prints the grid \
      (dims, spacing in mm), the datatype on disk, the voxel-to-world affine HepaFoci uses and \
      where it comes from (sform if its code is > 0, else qform, else pixdim), scl_slope and \
      scl_inter, and min, max, mean and sum of the scaled values (NaN and infinite samples are \
      left out and counted). With --json, one object per file (an array for several files).
      """)

  @Argument(help: "NIfTI files (.nii, .nii.gz, .hdr/.img, .img.gz).", completion: .file())
  var files: [String]

  @Flag(help: "Print JSON instead of text.")
  var json = false

  func run() throws {
    var reports: [FileInfo] = []
    var firstFailure: Int32?
    for (index, file) in files.enumerated() {
      do {
        let image = try NIfTIReader.read(file)
        let info = FileInfo(image: image)
        if json {
          reports.append(info)
        } else {
          // A blank line between files, none after the last.
          print(info.text, terminator: index < files.count - 1 ? "\n" : "")
        }
      } catch {
        ExitStatus.report(error.description)
        firstFailure = firstFailure ?? ExitStatus.code(for: error)
      }
    }
    if json, !reports.isEmpty {
      if files.count == 1 { try printJSON(reports[0]) } else { try printJSON(reports) }
    }
    if let firstFailure { throw ExitCode(firstFailure) }
  }
}

/// What `info` reports about one file. Non-finite numbers are written as JSON null.
struct FileInfo: Encodable {
  var path: String
  var niftiVersion: Int
  var byteOrder: String
  var dims: [Int]
  var spacing: [Double]
  var datatype: String
  var affine: [[Double]]
  var affineSource: String
  var qformCode: Int
  var sformCode: Int
  var sclSlope: Double?
  var sclInter: Double?
  var scalingApplied: Bool
  var min: Double?
  var max: Double?
  var mean: Double?
  var sum: Double?
  var nonFiniteCount: Int

  init(image: NIfTIImage) {
    let grid = image.volume.grid
    let h = image.header
    let stats = IntensitySummary(of: image.volume)
    func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }
    path = image.path
    niftiVersion = h.version
    byteOrder = h.isBigEndian ? "big-endian" : "little-endian"
    dims = [grid.dims.x, grid.dims.y, grid.dims.z]
    spacing = [grid.spacingMM.x, grid.spacingMM.y, grid.spacingMM.z]
    datatype = h.scalarType.rawValue
    affine = grid.voxelToWorld.matrix
    affineSource = grid.affineSource.rawValue
    qformCode = h.qformCode
    sformCode = h.sformCode
    sclSlope = finite(h.sclSlope)
    sclInter = finite(h.sclInter)
    scalingApplied = h.scaling != nil
    min = finite(stats.min)
    max = finite(stats.max)
    mean = finite(stats.mean)
    sum = finite(stats.sum)
    nonFiniteCount = stats.nonFiniteCount
  }

  var text: String {
    func g(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "n/a" }
    let rows = affine.prefix(3).map { row in
      "               [" + row.map { String(format: "%10.4f", $0) }.joined(separator: " ") + " ]"
    }
    let scaling =
      !scalingApplied ? "none (scl_slope \(g(sclSlope)))"
      : sclSlope == 1 && sclInter == 0 ? "identity (scl_slope 1, scl_inter 0)"
      : "slope \(g(sclSlope)), intercept \(g(sclInter))"
    var lines = [
      path,
      "  format       NIfTI-\(niftiVersion), \(byteOrder)",
      "  dims         \(dims.map(String.init).joined(separator: " × "))",
      "  spacing      \(spacing.map { String(format: "%.4g", $0) }.joined(separator: " × ")) mm",
      "  datatype     \(datatype)",
      "  affine       \(affineSource) (qform_code \(qformCode), sform_code \(sformCode))",
    ]
    lines += rows
    lines += [
      "  scaling      \(scaling)",
      "  values       min \(g(min)), max \(g(max)), mean \(g(mean)), sum \(g(sum))",
    ]
    if nonFiniteCount > 0 { lines.append("  non-finite   \(nonFiniteCount) samples left out") }
    return lines.joined(separator: "\n") + "\n"
  }
}
