import Foundation

/// The NIfTI fixtures written by nibabel (tools/make-fixtures.sh) and what nibabel read back.
public enum NIfTIFixtures {
  /// Absolute path of Tests/Fixtures/NIfTI.
  public static let folder: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/NIfTI").path
  }()

  /// Absolute path of a fixture file.
  public static func path(_ name: String) -> String { folder + "/" + name }

  /// nibabel's reading of one fixture.
  public struct Expected: Decodable, Sendable {
    public var dims: [Int]
    public var affine: [[Double]]
    public var spatialUnit: String
    public var qformCode: Int
    public var sformCode: Int
    public var datatype: String
    public var bigEndian: Bool
    public var niftiVersion: Int
    public var slope: Double
    public var inter: Double
    public var min: Double
    public var max: Double
    public var mean: Double
    public var sum: Double
    public var values: [Double]

    /// nibabel reports lengths in the header's unit; HepaFoci in mm.
    public var millimetresPerUnit: Double {
      switch spatialUnit {
      case "meter": 1000
      case "micron": 0.001
      default: 1
      }
    }
  }

  private struct File: Decodable {
    var files: [String: Expected]
  }

  /// Every fixture nibabel could read, by file name.
  public static let expected: [String: Expected] = {
    let url = URL(fileURLWithPath: path("expected.json"))
    guard let data = try? Data(contentsOf: url),
      let file = try? JSONDecoder().decode(File.self, from: data)
    else { fatalError("cannot read \(url.path); run tools/make-fixtures.sh") }
    return file.files
  }()

  /// Fixture names in a stable order, for parameterised tests.
  public static var names: [String] { expected.keys.sorted() }
}
