// In-process timing of HepaFoci's connected components on NIfTI masks, for the peer script
// (Benchmarks/peers/ccl_peers.py), which runs the peers on the same files in the same run.
// Usage: components-timing [--repeat N] [--connectivity 6|18|26] [--threads N] MASK...
// Prints one JSON object per file: voxels, components, and the median and best seconds.
import Dispatch
import FociComponents
import FociCore
import FociNIfTI

var repeats = 7
var connectivity = Connectivity.corners26
var threads: Int?
var files: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
  switch argument {
  case "--repeat": repeats = Int(arguments.popFirst() ?? "") ?? repeats
  case "--connectivity": connectivity = Connectivity(rawValue: Int(arguments.popFirst() ?? "") ?? 26) ?? .corners26
  case "--threads": threads = Int(arguments.popFirst() ?? "")
  default: files.append(argument)
  }
}

for file in files {
  let volume = try NIfTIReader.read(file).volume
  // The peers label a uint8 array; so does this.
  let mask = Volume(grid: volume.grid, voxels: volume.voxels.map { $0 != 0 ? UInt8(1) : 0 })
  var seconds: [Double] = []
  var count = 0
  for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = ConnectedComponents.label(mask, connectivity: connectivity, maxThreads: threads)
    seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    count = result.count
  }
  seconds.sort()
  print("{\"file\": \"\(file)\", \"voxels\": \(mask.grid.voxelCount), \"components\": \(count), \"median\": \(seconds[seconds.count / 2]), \"best\": \(seconds[0])}")
}
