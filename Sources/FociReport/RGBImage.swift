/// An 8-bit RGB raster, rows top to bottom: what montages are drawn into and PNGs hold.
public struct RGBImage: Sendable, Equatable {
  public let width: Int
  public let height: Int
  /// width × height × 3 bytes, row-major.
  public var pixels: [UInt8]

  public init(width: Int, height: Int, fill: RGB = .black) {
    self.width = width
    self.height = height
    pixels = [UInt8](repeating: 0, count: width * height * 3)
    if fill != .black { self.fill(x: 0, y: 0, width: width, height: height, fill) }
  }

  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(pixels.count == width * height * 3)
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  public subscript(x: Int, y: Int) -> RGB {
    get {
      let o = 3 * (x + width * y)
      return RGB(pixels[o], pixels[o + 1], pixels[o + 2])
    }
    set {
      guard x >= 0, y >= 0, x < width, y < height else { return }
      let o = 3 * (x + width * y)
      pixels[o] = newValue.r
      pixels[o + 1] = newValue.g
      pixels[o + 2] = newValue.b
    }
  }

  /// Fills a rectangle (clipped to the image).
  public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ colour: RGB) {
    let (x0, x1, y0, y1) = (max(0, x), min(width, x + w), max(0, y), min(height, y + h))
    guard x0 < x1, y0 < y1 else { return }
    for yy in y0..<y1 {
      for xx in x0..<x1 { self[xx, yy] = colour }
    }
  }

  /// Copies `other` with its top left corner at (x, y), clipped.
  public mutating func paste(_ other: RGBImage, x: Int, y: Int) {
    for yy in 0..<other.height where y + yy >= 0 && y + yy < height {
      for xx in 0..<other.width where x + xx >= 0 && x + xx < width {
        self[x + xx, y + yy] = other[xx, yy]
      }
    }
  }

  /// Writes `text` in the 5×7 bitmap font at `scale`, top left at (x, y), with a one-pixel
  /// dark halo so it reads on any background. Returns the width drawn.
  @discardableResult
  public mutating func text(_ text: String, x: Int, y: Int, _ colour: RGB, scale: Int = 1, halo: Bool = true) -> Int {
    let advance = (BitmapFont.width + 1) * scale
    if halo {
      for dy in -1...1 {
        for dx in -1...1 where dx != 0 || dy != 0 { draw(text, x: x + dx, y: y + dy, .black, scale: scale, advance: advance) }
      }
    }
    draw(text, x: x, y: y, colour, scale: scale, advance: advance)
    return text.count * advance
  }

  private mutating func draw(_ text: String, x: Int, y: Int, _ colour: RGB, scale: Int, advance: Int) {
    for (n, character) in text.enumerated() {
      let rows = BitmapFont.glyph(character)
      for (r, bits) in rows.enumerated() {
        for c in 0..<BitmapFont.width where bits & (1 << (BitmapFont.width - 1 - c)) != 0 {
          fill(x: x + n * advance + c * scale, y: y + r * scale, width: scale, height: scale, colour)
        }
      }
    }
  }

  /// Half the size, each pixel the mean of a 2×2 block (an odd last row or column dropped).
  public func halved() -> RGBImage {
    let (w, h) = (max(1, width / 2), max(1, height / 2))
    var out = RGBImage(width: w, height: h)
    for y in 0..<h {
      for x in 0..<w {
        let xs = [min(width - 1, 2 * x), min(width - 1, 2 * x + 1)], ys = [min(height - 1, 2 * y), min(height - 1, 2 * y + 1)]
        var sum = (0, 0, 0)
        for yy in ys {
          for xx in xs {
            let p = self[xx, yy]
            sum = (sum.0 + Int(p.r), sum.1 + Int(p.g), sum.2 + Int(p.b))
          }
        }
        out[x, y] = RGB(UInt8(sum.0 / 4), UInt8(sum.1 / 4), UInt8(sum.2 / 4))
      }
    }
    return out
  }

  /// Width in pixels of `text` at `scale`.
  public static func textWidth(_ text: String, scale: Int = 1) -> Int { text.count * (BitmapFont.width + 1) * scale }
}

/// An 8-bit colour.
public struct RGB: Sendable, Hashable {
  public var r: UInt8
  public var g: UInt8
  public var b: UInt8

  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }

  public init(gray: UInt8) { self.init(gray, gray, gray) }

  public static let black = RGB(0, 0, 0)
  public static let white = RGB(255, 255, 255)
}
