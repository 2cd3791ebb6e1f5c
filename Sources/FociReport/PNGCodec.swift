import CPNG
import FociCore

/// PNG files through libpng's simplified API: every call into libpng is in this file.
public enum PNGCodec {
  public struct Failure: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
  }

  /// Writes `image` as an 8-bit RGB PNG at `path`, atomically (`AtomicFile`).
  public static func write(_ image: RGBImage, to path: String) throws(Failure) {
    let bytes: [UInt8]
    do { bytes = try encoded(image) } catch { throw Failure(path: path, reason: "could not be written: \(error)") }
    do {
      try AtomicFile.write(path, bytes: bytes)
    } catch {
      throw Failure(path: path, reason: "could not be written: \(error.reason)")
    }
  }

  /// `image` as the bytes of an 8-bit RGB PNG (for pages that embed pictures); empty when
  /// libpng fails.
  public static func encode(_ image: RGBImage) -> [UInt8] {
    (try? encoded(image)) ?? []
  }

  /// libpng's message for a failed encoding.
  struct EncodingFailure: Error, CustomStringConvertible {
    let description: String
  }

  /// `image` as the bytes of an 8-bit RGB PNG.
  static func encoded(_ image: RGBImage) throws(EncodingFailure) -> [UInt8] {
    var png = png_image()
    png.version = UInt32(PNG_IMAGE_VERSION)
    png.width = UInt32(image.width)
    png.height = UInt32(image.height)
    png.format = UInt32(PNG_FORMAT_RGB)
    let result: Result<[UInt8], EncodingFailure> = image.pixels.withUnsafeBufferPointer { pixels in
      var size = 0
      // First call: the size; second: the bytes.
      guard png_image_write_to_memory(&png, nil, &size, 0, pixels.baseAddress, Int32(image.width * 3), nil) != 0, size > 0 else {
        let reason = message(png)
        png_image_free(&png)
        return .failure(EncodingFailure(description: reason))
      }
      var bytes = [UInt8](repeating: 0, count: size)
      let ok = bytes.withUnsafeMutableBytes { out in
        png_image_write_to_memory(&png, out.baseAddress, &size, 0, pixels.baseAddress, Int32(image.width * 3), nil)
      }
      let reason = message(png)
      png_image_free(&png)
      return ok != 0 ? .success(Array(bytes.prefix(size))) : .failure(EncodingFailure(description: reason))
    }
    return try result.get()
  }

  /// Reads any PNG as 8-bit RGB (grey, palette and alpha converted by libpng, composited on black).
  public static func read(_ path: String) throws(Failure) -> RGBImage {
    var png = png_image()
    png.version = UInt32(PNG_IMAGE_VERSION)
    guard png_image_begin_read_from_file(&png, path) != 0 else {
      let reason = message(png)
      png_image_free(&png)
      throw Failure(path: path, reason: "not a readable PNG: \(reason)")
    }
    png.format = UInt32(PNG_FORMAT_RGB)
    let (width, height) = (Int(png.width), Int(png.height))
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    var background = png_color(red: 0, green: 0, blue: 0)
    let ok = pixels.withUnsafeMutableBufferPointer { buffer in
      png_image_finish_read(&png, &background, buffer.baseAddress, Int32(width * 3), nil)
    }
    guard ok != 0 else {
      let reason = message(png)
      png_image_free(&png)
      throw Failure(path: path, reason: "damaged PNG: \(reason)")
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  private static func message(_ png: png_image) -> String {
    withUnsafeBytes(of: png.message) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
  }
}
