import CPNG
import Foundation

/// PNG files through libpng's simplified API: every call into libpng is in this file.
public enum PNGCodec {
  public struct Failure: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
  }

  /// Writes `image` as an 8-bit RGB PNG at `path`, under a temporary name renamed when whole.
  public static func write(_ image: RGBImage, to path: String) throws(Failure) {
    let temporary = (path as NSString).deletingLastPathComponent.isEmpty
      ? ".\(UUID().uuidString).png.part" : (path as NSString).deletingLastPathComponent + "/.\(UUID().uuidString).png.part"
    var png = png_image()
    png.version = UInt32(PNG_IMAGE_VERSION)
    png.width = UInt32(image.width)
    png.height = UInt32(image.height)
    png.format = UInt32(PNG_FORMAT_RGB)
    let ok = image.pixels.withUnsafeBufferPointer { pixels in
      png_image_write_to_file(&png, temporary, 0, pixels.baseAddress, Int32(image.width * 3), nil)
    }
    guard ok != 0 else {
      let reason = message(png)
      png_image_free(&png)
      unlink(temporary)
      throw Failure(path: path, reason: "could not be written: \(reason)")
    }
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw Failure(path: path, reason: "could not be put in place: \(reason)")
    }
  }

  /// `image` as the bytes of an 8-bit RGB PNG (for pages that embed pictures).
  public static func encode(_ image: RGBImage) -> [UInt8] {
    var png = png_image()
    png.version = UInt32(PNG_IMAGE_VERSION)
    png.width = UInt32(image.width)
    png.height = UInt32(image.height)
    png.format = UInt32(PNG_FORMAT_RGB)
    return image.pixels.withUnsafeBufferPointer { pixels -> [UInt8] in
      var size = 0
      // First call: the size; second: the bytes.
      guard png_image_write_to_memory(&png, nil, &size, 0, pixels.baseAddress, Int32(image.width * 3), nil) != 0, size > 0 else {
        png_image_free(&png)
        return []
      }
      var bytes = [UInt8](repeating: 0, count: size)
      let ok = bytes.withUnsafeMutableBytes { out in
        png_image_write_to_memory(&png, out.baseAddress, &size, 0, pixels.baseAddress, Int32(image.width * 3), nil)
      }
      png_image_free(&png)
      return ok != 0 ? Array(bytes.prefix(size)) : []
    }
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
