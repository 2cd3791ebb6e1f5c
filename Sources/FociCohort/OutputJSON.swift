import Foundation

/// The JSON form of every file HepaFoci writes (lesions.json, failure.json, cohort.json,
/// evaluation.json): pretty, keys sorted, slashes unescaped, non-finite numbers as the strings
/// "Infinity", "-Infinity" and "NaN"; and the decoder that reads them back.
public enum OutputJSON {
  public static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return encoder
  }

  public static var decoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return decoder
  }
}
