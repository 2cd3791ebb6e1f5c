// Reading a large .nii.gz (and .nii): HepaFoci's reader (libdeflate + parallel conversion to
// scaled Float32) against niftilib's own nifti_image_read (zlib, raw samples, no conversion),
// on the same file in the same run. Run with:
//   HEPAFOCI_BENCHMARKS=1 swift package benchmark --target NIfTIRead
import Benchmark
import CNIfTI
import FociCore
import FociNIfTI
import Foundation

/// A 512×512×200 int16 volume (105 MB of samples) with MRI-like content: a smooth body and
/// organs plus Gaussian-like noise, so gzip compresses it about as much as a real scan.
func makeTestFiles() -> (gz: String, plain: String) {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hepafoci-bench")
  try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  // Separate folders: asked for x.nii.gz, niftilib opens x.nii instead when both exist.
  for sub in ["gz", "plain"] {
    try? FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
  }
  let gz = folder.appendingPathComponent("gz/int16_512x512x200.nii.gz").path
  let plain = folder.appendingPathComponent("plain/int16_512x512x200.nii").path
  if FileManager.default.fileExists(atPath: gz), FileManager.default.fileExists(atPath: plain) { return (gz, plain) }
  let grid = Grid(dims: SIMD3(512, 512, 200), spacingMM: SIMD3(0.7, 0.7, 1.5))
  var state: UInt64 = 0x2545F4914F6CDD1D
  var voxels = [Int16](repeating: 0, count: grid.voxelCount)
  for k in 0..<200 {
    for j in 0..<512 {
      for i in 0..<512 {
        let x = Double(i - 256) / 230, y = Double(j - 256) / 180, z = Double(k - 100) / 120
        let r = x * x + y * y
        var v = r < 1 ? 300.0 : 0
        if (x - 0.3) * (x - 0.3) + y * y + z * z < 0.2 { v = 520 }
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        let noise = Double(Int(state & 0xFF) + Int((state >> 8) & 0xFF) - 255) / 8
        voxels[grid.offset(i, j, k)] = Int16(v + (r < 1 ? noise : noise / 4))
      }
    }
  }
  let volume = Volume(grid: grid, voxels: voxels)
  try! NIfTIWriter.write(volume, to: gz)
  try! NIfTIWriter.write(volume, to: plain)
  return (gz, plain)
}

let benchmarks: @Sendable () -> Void = {
  let files = makeTestFiles()
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .peakMemoryResident],
    timeUnits: .milliseconds, maxDuration: .seconds(15), maxIterations: 15)

  for (label, path) in [(".nii.gz", files.gz), (".nii", files.plain)] {
    Benchmark("read \(label) 105 MB int16: HepaFoci") { benchmark in
      for _ in benchmark.scaledIterations {
        blackHole(try! NIfTIReader.read(path).volume.voxels.count)
      }
    }
    Benchmark("read \(label) 105 MB int16: niftilib") { benchmark in
      for _ in benchmark.scaledIterations {
        let image = nifti_image_read(path, 1)
        blackHole(image?.pointee.nvox)
        nifti_image_free(image)
      }
    }
  }
}
