import Foundation

/// Prints a value as JSON on standard output, keys sorted, slashes unescaped: the one format
/// every `--json` flag uses.
func printJSON<T: Encodable>(_ value: T, pretty: Bool = true) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
  print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
