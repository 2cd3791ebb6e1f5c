import FociComponents
import FociCore

/// Which channel found a focus: its voxels taken from the arterial subtraction over the
/// threshold, and those of the second (hypointense) channel's regions. A voxel may be in
/// both; a filled hole is in neither.
public struct FocusChannels: Sendable, Hashable, Codable {
  /// The detection channels (SPEC §3, step 4, and the second channel), or both.
  public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
    case arterial, hypointense, both
  }

  /// `both` where each channel holds at least half the focus's voxels, else the channel
  /// holding more (arterial on a tie).
  public var channel: Channel
  /// Voxels over the arterial subtraction's threshold (after the vein test).
  public var arterialVoxels: Int
  /// Voxels of the second channel's regions.
  public var hypointenseVoxels: Int

  /// - Parameter voxels: the focus's voxel count, filled holes included.
  public init(arterialVoxels: Int, hypointenseVoxels: Int, voxels: Int) {
    self.arterialVoxels = arterialVoxels
    self.hypointenseVoxels = hypointenseVoxels
    channel =
      2 * arterialVoxels >= voxels && 2 * hypointenseVoxels >= voxels
      ? .both : hypointenseVoxels > arterialVoxels ? .hypointense : .arterial
  }

  /// Bits of a candidate mask: which channel made a voxel a candidate.
  static let arterialBit: UInt8 = 1, hypointenseBit: UInt8 = 2

  /// Per focus (in id order), its voxels' channels read from `candidates` (the bits above).
  static func count(_ foci: ComponentLabels, candidates: [UInt8]) -> [FocusChannels] {
    var arterial = [Int](repeating: 0, count: foci.count + 1), hypointense = arterial
    func add<L: FixedWidthInteger>(_ labels: [L]) {
      labels.withUnsafeBufferPointer { l in
        candidates.withUnsafeBufferPointer { c in
          for n in 0..<l.count where l[n] != 0 {
            let id = Int(l[n])
            if c[n] & arterialBit != 0 { arterial[id] += 1 }
            if c[n] & hypointenseBit != 0 { hypointense[id] += 1 }
          }
        }
      }
    }
    switch foci.labels.storage {
    case .uint16(let a): add(a)
    case .uint32(let a): add(a)
    }
    return (1..<foci.count + 1).map {
      FocusChannels(arterialVoxels: arterial[$0], hypointenseVoxels: hypointense[$0], voxels: foci.voxelCounts[$0 - 1])
    }
  }
}
