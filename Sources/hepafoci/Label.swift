import ArgumentParser
import FociComponents
import FociCore
import FociNIfTI
import Foundation

extension Connectivity: ExpressibleByArgument {
  public init?(argument: String) {
    guard let n = Int(argument), let c = Connectivity(rawValue: n) else { return nil }
    self = c
  }

  public static var allValueStrings: [String] { allCases.map { String($0.rawValue) } }
}

struct Label: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Label the 3D connected components of a binary NIfTI volume.",
    discussion: """
      Every non-zero voxel of MASK is foreground. Components are numbered 1...N in raster order \
      of their first voxel (x fastest, then y, then z); components smaller than --min-voxels \
      are dropped before numbering; --fill-holes then gives each component the background it \
      encloses in 3D. The label map is written in MASK's exact geometry, as \
      uint16 when N ≤ 65,535 and uint32 beyond, with the NIfTI label intent. The same input \
      gives the same labels for any --threads.
      """)

  @Argument(help: "Binary volume (.nii, .nii.gz, .hdr/.img).", completion: .file())
  var mask: String

  @Option(help: "Neighbourhood: 6 (faces), 18 (faces and edges) or 26 (faces, edges and corners).")
  var connectivity: Connectivity = .corners26

  @Option(help: "Drop components with fewer voxels than this.")
  var minVoxels = 1

  @Flag(help: "Fill the holes each component encloses in 3D (a lesion with its non-enhancing core).")
  var fillHoles = false

  @Option(help: "Threads to use (default: all cores). Does not change the result.")
  var threads: Int?

  @Option(help: "Output label map (.nii or .nii.gz).", completion: .file())
  var out: String

  @Flag(help: "Print the count and component sizes as JSON.")
  var json = false

  func validate() throws {
    guard minVoxels >= 1 else { throw ValidationError("--min-voxels must be at least 1.") }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
    let lower = out.lowercased()
    guard lower.hasSuffix(".nii") || lower.hasSuffix(".nii.gz") else {
      throw ValidationError("--out must end in .nii or .nii.gz (got \(out)).")
    }
  }

  func run() throws {
    try ExitStatus.mappingInputErrors {
      let volume = try NIfTIReader.readMask(mask)
      let runs = ConnectedComponents.labelRuns(volume, connectivity: connectivity, minimumVoxels: minVoxels, maxThreads: threads)
      var voxelCounts = runs.voxelCounts
      if fillHoles {
        let components = HoleFilling.fillHoles(in: runs.componentLabels(maxThreads: threads), connectivity: connectivity)
        voxelCounts = components.voxelCounts
        try NIfTIWriter.write(components.labels, to: out)
      } else {
        // Rendered from the runs member by member as it is compressed: the map never exists
        // whole in memory.
        try NIfTIWriter.writeLabels(grid: runs.grid, type: runs.scalarType, maxLabel: UInt32(runs.count), to: out) { range, destination in
          runs.fill(bytes: range, into: destination)
        }
      }
      let count = voxelCounts.count
      if json {
        let summary = LabelSummary(
          mask: mask, output: out, connectivity: connectivity.rawValue, minVoxels: minVoxels,
          count: count, voxelCounts: voxelCounts)
        try printJSON(summary, pretty: false)
      } else {
        let noun = count == 1 ? "component" : "components"
        print("\(count) \(noun) (\(connectivity.rawValue)-connected, at least \(minVoxels) voxels) written to \(out)")
      }
    }
  }
}

/// What `label --json` prints.
struct LabelSummary: Encodable {
  var mask: String
  var output: String
  var connectivity: Int
  var minVoxels: Int
  var count: Int
  var voxelCounts: [Int]
}
