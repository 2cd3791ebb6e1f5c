import FociAnalysis
import FociCore
import FociRegistration

/// What a montage shows of one study: the images on the native grid (post-contrast phases
/// already moved by the study's motion correction), the lesion label map and the lesions.
public struct MontageScene: Sendable {
  public struct Lesion: Sendable {
    public var id: Int
    /// Axial slice with the lesion's longest axial diameter, and its centroid (voxels).
    public var slice: Int
    public var centroid: SIMD3<Double>
    public var maxDiameterMM: Double
    public var flag: OutlineClass
  }

  public var arterial: Volume<Float>
  public var subtraction: Volume<Float>
  public var venous: Volume<Float>?
  public var liverMask: Volume<UInt8>
  public var labels: [UInt32]
  public var lesions: [Lesion]

  /// The scene of an analysed study: the arterial and venous phases moved as its motion
  /// report says (shifts applied only where they were applied in the analysis), the
  /// subtraction arterial − native, and the lesions of the report.
  public init(inputs: StudyInputs, motion: [String: MotionReport], lesions: [LesionReport], labels: LabelVolume) {
    func aligned(_ volume: Volume<Float>, _ phase: String) -> Volume<Float> {
      guard let m = motion[phase], m.decision == MotionCorrection.Outcome.Decision.applied.rawValue, m.shiftVoxels.count == 3 else { return volume }
      return Translation.resample(volume, shiftVoxels: SIMD3(m.shiftVoxels[0], m.shiftVoxels[1], m.shiftVoxels[2]))
    }
    arterial = aligned(inputs.arterial, "arterial")
    let native = inputs.native.voxels
    subtraction = Volume(grid: arterial.grid, voxels: zip(arterial.voxels, native).map { $0 - $1 })
    venous = inputs.venous.map { aligned($0, "venous") }
    liverMask = inputs.liverMask
    self.labels = labels.labels32
    self.lesions = lesions.map { l in
      let c = l.geometry.centroidVoxel
      return Lesion(
        id: l.id, slice: l.geometry.axialSlice, centroid: SIMD3(c[0], c[1], c[2]), maxDiameterMM: l.geometry.maxDiameterMM,
        flag: OutlineClass(l.flags))
    }
  }

  public init(
    arterial: Volume<Float>, subtraction: Volume<Float>, venous: Volume<Float>?, liverMask: Volume<UInt8>, labels: [UInt32],
    lesions: [Lesion]
  ) {
    self.arterial = arterial
    self.subtraction = subtraction
    self.venous = venous
    self.liverMask = liverMask
    self.labels = labels
    self.lesions = lesions
  }
}

/// The colour a lesion's outline takes: by its most telling flag.
public enum OutlineClass: String, Sendable, CaseIterable {
  case lesion, small, arterialOnly, shuntLike

  public init(_ flags: LesionReport.Flags) {
    self = flags.shuntLike ? .shuntLike : flags.arterialOnly ? .arterialOnly : flags.small ? .small : .lesion
  }

  public var colour: RGB {
    switch self {
    case .lesion: RGB(40, 230, 40)
    case .small: RGB(0, 200, 255)
    case .arterialOnly: RGB(255, 150, 0)
    case .shuntLike: RGB(255, 40, 255)
    }
  }

  public var caption: String {
    switch self {
    case .lesion: "lesion"
    case .small: "small"
    case .arterialOnly: "arterial-only"
    case .shuntLike: "shunt-like"
    }
  }
}

/// A per-study QC picture: a row per chosen lesion (the largest, then every flagged one) with
/// the axial slice through it cropped around it in the arterial phase, the subtraction and
/// the venous phase, and a sweep of evenly spaced slices through the liver, every lesion
/// outlined in its class colour with its id beside it. Intensities are windowed per image
/// between percentiles of the liver. Axial slices are shown as radiologists read them:
/// anterior up, the patient's left on the right, whatever the voxel order.
public struct StudyMontage: Sendable {
  public struct Settings: Sendable {
    /// Lesion rows: the `largest` largest lesions, then every flagged one by size (at most
    /// `rows` rows in all when set).
    public var largest = 6
    public var rows: Int?
    /// In-plane crop of lesion panels, in voxels, and their zoom.
    public var crop = 64
    public var zoom = 3
    /// Slices of the sweep, and its zoom.
    public var sweepSlices = 8
    public var sweepZoom = 1
    public var sweepColumns = 4
    /// Window percentiles of the liver's intensities.
    public var lowPercentile = 1.0
    public var highPercentile = 99.5
    public init() {}
  }

  /// Where a panel sits in the montage and which voxels it shows.
  public struct Panel: Sendable {
    public enum Image: String, Sendable { case arterial, subtraction, venous }
    /// The lesion of the row (nil in the sweep).
    public var lesion: Int?
    public var image: Image
    public var slice: Int
    /// The voxel window shown: x and y ranges of the slice.
    public var voxelsX: Range<Int>
    public var voxelsY: Range<Int>
    public var zoom: Int
    /// Top left pixel of the panel in the montage.
    public var originX: Int
    public var originY: Int
    /// Whether voxel x grows to the left / voxel y grows upwards on screen.
    public var flipX: Bool
    public var flipY: Bool

    public var pixelWidth: Int { voxelsX.count * zoom }
    public var pixelHeight: Int { voxelsY.count * zoom }

    /// The montage pixels covering voxel (x, y) of the slice: top left and side; nil outside.
    public func pixels(ofVoxel x: Int, _ y: Int) -> (x: Int, y: Int, side: Int)? {
      guard voxelsX.contains(x), voxelsY.contains(y) else { return nil }
      let column = flipX ? voxelsX.upperBound - 1 - x : x - voxelsX.lowerBound
      let row = flipY ? voxelsY.upperBound - 1 - y : y - voxelsY.lowerBound
      return (originX + column * zoom, originY + row * zoom, zoom)
    }
  }

  public var image: RGBImage
  public var panels: [Panel]
  /// The lesions given rows, in row order.
  public var rowLesions: [Int]
  /// The arterial phase's display window (the thumbnail uses it too).
  let arterialWindow: ClosedRange<Float>

  /// Draws the montage of `scene`.
  public init(_ scene: MontageScene, title: String, settings: Settings = Settings()) {
    let grid = scene.arterial.grid
    let dims = grid.dims
    let (flipX, flipY) = Self.screenFlips(grid)

    let windows: [Panel.Image: ClosedRange<Float>] = {
      var w: [Panel.Image: ClosedRange<Float>] = [
        .arterial: IntensityWindow.range(scene.arterial.voxels, mask: scene.liverMask.voxels, settings.lowPercentile, settings.highPercentile),
        .subtraction: IntensityWindow.range(scene.subtraction.voxels, mask: scene.liverMask.voxels, settings.lowPercentile, settings.highPercentile),
      ]
      if let v = scene.venous {
        w[.venous] = IntensityWindow.range(v.voxels, mask: scene.liverMask.voxels, settings.lowPercentile, settings.highPercentile)
      }
      return w
    }()
    let byID = Dictionary(scene.lesions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

    // Rows: the largest lesions, then flagged ones by size.
    let bySize = scene.lesions.sorted { $0.maxDiameterMM != $1.maxDiameterMM ? $0.maxDiameterMM > $1.maxDiameterMM : $0.id < $1.id }
    var rows = Array(bySize.prefix(settings.largest))
    for l in bySize.dropFirst(settings.largest) where l.flag != .lesion && rows.count < (settings.rows ?? .max) { rows.append(l) }
    rowLesions = rows.map(\.id)

    let images: [Panel.Image] = scene.venous == nil ? [.arterial, .subtraction] : [.arterial, .subtraction, .venous]
    let gap = 8, header = 40, rowCaption = 14
    let crop = min(settings.crop, dims.x, dims.y)
    let panelSide = crop * settings.zoom
    let sweepWidth = dims.x * settings.sweepZoom, sweepHeight = dims.y * settings.sweepZoom
    let columns = settings.sweepColumns
    let width = max(images.count * (panelSide + gap) + gap, columns * (sweepWidth + gap) + gap, 420)
    let sweepSlices = Self.sweep(scene.liverMask, count: settings.sweepSlices)
    let sweepRows = (sweepSlices.count + columns - 1) / columns
    let height = header + rows.count * (rowCaption + panelSide + gap) + rowCaption + sweepRows * (sweepHeight + gap) + gap
    var image = RGBImage(width: width, height: height, fill: RGB(gray: 24))
    var panels: [Panel] = []

    // Title and legend.
    image.text(title, x: gap, y: 6, .white, scale: 2)
    var legendX = gap
    for c in OutlineClass.allCases {
      image.fill(x: legendX, y: 26, width: 8, height: 8, c.colour)
      legendX += 12 + image.text(c.caption, x: legendX + 11, y: 27, .white) + 8
    }

    var y = header
    for lesion in rows {
      let caption = String(format: "LESION %d  %.1f MM  SLICE %d", lesion.id, lesion.maxDiameterMM, lesion.slice)
        + (lesion.flag == .lesion ? "" : "  " + lesion.flag.caption.uppercased())
      image.text(caption, x: gap, y: y + 3, lesion.flag.colour)
      y += rowCaption
      let cx = Int(lesion.centroid.x.rounded()), cy = Int(lesion.centroid.y.rounded())
      let x0 = min(max(0, cx - crop / 2), dims.x - crop), y0 = min(max(0, cy - crop / 2), dims.y - crop)
      for (n, kind) in images.enumerated() {
        let panel = Panel(
          lesion: lesion.id, image: kind, slice: lesion.slice, voxelsX: x0..<(x0 + crop), voxelsY: y0..<(y0 + crop), zoom: settings.zoom,
          originX: gap + n * (panelSide + gap), originY: y, flipX: flipX, flipY: flipY)
        Self.draw(panel, scene: scene, window: windows[kind]!, lesions: byID, into: &image)
        image.text(kind.rawValue.uppercased(), x: panel.originX + 3, y: panel.originY + 3, .white)
        panels.append(panel)
      }
      y += panelSide + gap
    }
    image.text("SWEEP THROUGH THE LIVER (ARTERIAL)", x: gap, y: y + 3, .white)
    y += rowCaption
    for (n, slice) in sweepSlices.enumerated() {
      let panel = Panel(
        lesion: nil, image: .arterial, slice: slice, voxelsX: 0..<dims.x, voxelsY: 0..<dims.y, zoom: settings.sweepZoom,
        originX: gap + (n % columns) * (sweepWidth + gap), originY: y + (n / columns) * (sweepHeight + gap), flipX: flipX, flipY: flipY)
      Self.draw(panel, scene: scene, window: windows[.arterial]!, lesions: byID, into: &image)
      image.text("Z \(slice)", x: panel.originX + 3, y: panel.originY + 3, .white)
      panels.append(panel)
    }
    self.image = image
    self.panels = panels
    arterialWindow = windows[.arterial]!
  }

  /// Screen orientation from the affine: anterior (+y world) up, the patient's left (+x) on
  /// the right. Returns whether voxel x runs leftwards and voxel y upwards on screen.
  static func screenFlips(_ grid: Grid) -> (x: Bool, y: Bool) {
    let m = grid.voxelToWorld.matrix
    let xAxis = (0..<3).max { abs(m[0][$0]) < abs(m[0][$1]) }!
    let yAxis = (0..<3).max { abs(m[1][$0]) < abs(m[1][$1]) }!
    return (xAxis == 0 ? m[0][0] < 0 : false, yAxis == 1 ? m[1][1] > 0 : true)
  }

  /// A small picture for cohort pages: the arterial slice of `scene` (the montage's) cutting
  /// the most lesion voxels (the liver's middle slice when there are none) with its outlines, in
  /// the montage's window, halved `halvings` times by averaging 2×2 pixels.
  public func thumbnail(of scene: MontageScene, halvings: Int = 1) -> RGBImage {
    let grid = scene.arterial.grid
    var perSlice = [Int](repeating: 0, count: grid.dims.z)
    for n in scene.labels.indices where scene.labels[n] != 0 { perSlice[n / grid.sliceVoxelCount] += 1 }
    let slice = perSlice.max().map { $0 > 0 ? perSlice.firstIndex(of: $0)! : (Self.sweep(scene.liverMask, count: 1).first ?? grid.dims.z / 2) } ?? 0
    let (flipX, flipY) = Self.screenFlips(grid)
    let panel = Panel(
      lesion: nil, image: .arterial, slice: slice, voxelsX: 0..<grid.dims.x, voxelsY: 0..<grid.dims.y, zoom: 2, originX: 0, originY: 0,
      flipX: flipX, flipY: flipY)
    var image = RGBImage(width: panel.pixelWidth, height: panel.pixelHeight)
    let byID = Dictionary(scene.lesions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    Self.draw(panel, scene: scene, window: arterialWindow, lesions: byID, into: &image, ids: false)
    for _ in 0..<(halvings + 1) { image = image.halved() }
    return image
  }

  /// Evenly spaced slices through the liver's extent in z (the middle one for one slice).
  static func sweep(_ mask: Volume<UInt8>, count: Int) -> [Int] {
    guard count > 0, let bounds = mask.nonZeroBounds() else { return [] }
    let (lo, hi) = (bounds.lower.z, bounds.upper.z)
    if count == 1 || hi == lo { return [(lo + hi) / 2] }
    let slices = (0..<count).map { lo + Int((Double($0) + 0.5) * Double(hi - lo + 1) / Double(count)) }
    return Array(Set(slices.map { min(hi, $0) })).sorted()
  }

  /// One panel: windowed grey values, then each lesion's outline (voxel edges where the label
  /// changes) in its class colour, then the ids of the lesions cut by the slice.
  static func draw(
    _ panel: Panel, scene: MontageScene, window: ClosedRange<Float>, lesions: [Int: MontageScene.Lesion], into image: inout RGBImage,
    ids: Bool = true
  ) {
    let grid = scene.arterial.grid
    let source: [Float] =
      switch panel.image {
      case .arterial: scene.arterial.voxels
      case .subtraction: scene.subtraction.voxels
      case .venous: scene.venous?.voxels ?? scene.arterial.voxels
      }
    let k = panel.slice
    let span = max(window.upperBound - window.lowerBound, 1e-6)
    func label(_ x: Int, _ y: Int) -> UInt32 {
      guard x >= 0, y >= 0, x < grid.dims.x, y < grid.dims.y else { return 0 }
      return scene.labels[grid.offset(x, y, k)]
    }
    var extent: [UInt32: (minX: Int, minY: Int, maxX: Int)] = [:]
    for y in panel.voxelsY {
      for x in panel.voxelsX {
        let value = source[grid.offset(x, y, k)]
        let g = UInt8(max(0, min(255, (value - window.lowerBound) / span * 255)).rounded())
        let (px, py, side) = panel.pixels(ofVoxel: x, y)!
        image.fill(x: px, y: py, width: side, height: side, RGB(gray: g))
      }
    }
    for y in panel.voxelsY {
      for x in panel.voxelsX {
        let l = label(x, y)
        guard l != 0 else { continue }
        let colour = lesions[Int(l)]?.flag.colour ?? OutlineClass.lesion.colour
        let (px, py, side) = panel.pixels(ofVoxel: x, y)!
        // Screen neighbours: left, right, up, down, in voxel terms after any flip.
        let left = panel.flipX ? label(x + 1, y) : label(x - 1, y)
        let right = panel.flipX ? label(x - 1, y) : label(x + 1, y)
        let up = panel.flipY ? label(x, y + 1) : label(x, y - 1)
        let down = panel.flipY ? label(x, y - 1) : label(x, y + 1)
        let t = max(1, side / 3)
        if left != l { image.fill(x: px, y: py, width: t, height: side, colour) }
        if right != l { image.fill(x: px + side - t, y: py, width: t, height: side, colour) }
        if up != l { image.fill(x: px, y: py, width: side, height: t, colour) }
        if down != l { image.fill(x: px, y: py + side - t, width: side, height: t, colour) }
        let e = extent[l] ?? (px, py, px + side)
        extent[l] = (min(e.minX, px), min(e.minY, py), max(e.maxX, px + side))
      }
    }
    for (l, e) in extent.sorted(by: { $0.key < $1.key }) where ids {
      let colour = lesions[Int(l)]?.flag.colour ?? OutlineClass.lesion.colour
      image.text("\(l)", x: e.maxX + 2, y: max(panel.originY, e.minY - 8), colour)
    }
  }
}

/// Display windows from the intensities inside a mask.
enum IntensityWindow {
  /// The `low` and `high` percentiles (0...100) of `values` where `mask` is non-zero (of every
  /// value when the mask is empty), from at most about 200,000 evenly strided samples.
  static func range(_ values: [Float], mask: [UInt8], _ low: Double, _ high: Double) -> ClosedRange<Float> {
    let inside = mask.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
    let stride = max(1, (inside > 0 ? inside : values.count) / 200_000)
    var samples: [Float] = []
    samples.reserveCapacity(200_000 + 1)
    var seen = 0
    for n in values.indices where (inside == 0 || mask[n] != 0) && values[n].isFinite {
      if seen % stride == 0 { samples.append(values[n]) }
      seen += 1
    }
    guard !samples.isEmpty else { return 0...1 }
    samples.sort()
    func at(_ p: Double) -> Float { samples[min(samples.count - 1, max(0, Int((p / 100 * Double(samples.count - 1)).rounded())))] }
    let (a, b) = (at(low), at(high))
    return a < b ? a...b : a...(a + 1)
  }
}
