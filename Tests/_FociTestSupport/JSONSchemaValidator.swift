import Foundation

/// A validator for the part of JSON Schema (draft 2020-12) that HepaFoci's output schemas
/// use: `type` (a name or a list of names), `properties`, `required`, `additionalProperties`, `items`, `minItems`,
/// `maxItems`, `enum`, `const`, `minimum`, `maximum`, `exclusiveMinimum`, `pattern` and local
/// `$ref`s into `$defs`. A schema keyword outside this set is reported as an error, so a
/// schema cannot silently rely on something this validator does not check.
public struct JSONSchemaValidator {
  public let root: [String: Any]

  static let known: Set<String> = [
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "properties", "required",
    "additionalProperties", "items", "minItems", "maxItems", "enum", "const", "minimum", "maximum",
    "exclusiveMinimum", "pattern",
  ]

  public init(schemaFile path: String) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw CocoaError(.fileReadCorruptFile)
    }
    root = object
  }

  /// Every violation of `instance` (parsed JSON), each with its JSON path; empty when valid.
  public func errors(in instance: Any) -> [String] {
    var errors: [String] = []
    check(instance, against: root, at: "$", into: &errors)
    return errors
  }

  public func errors(inFile path: String) throws -> [String] {
    errors(in: try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)), options: [.fragmentsAllowed]))
  }

  private func check(_ value: Any, against schema: [String: Any], at path: String, into errors: inout [String]) {
    for key in schema.keys where !Self.known.contains(key) { errors.append("\(path): schema keyword \(key) is not supported") }
    if let ref = schema["$ref"] as? String {
      let name = ref.replacingOccurrences(of: "#/$defs/", with: "")
      guard let defs = root["$defs"] as? [String: Any], let target = defs[name] as? [String: Any] else {
        errors.append("\(path): unresolved $ref \(ref)")
        return
      }
      check(value, against: target, at: path, into: &errors)
    }
    if let type = schema["type"] as? String, !Self.matches(value, type) {
      errors.append("\(path): expected \(type)")
      return
    }
    if let types = schema["type"] as? [String], !types.contains(where: { Self.matches(value, $0) }) {
      errors.append("\(path): expected one of \(types)")
      return
    }
    if let expected = schema["const"], !Self.equal(value, expected) { errors.append("\(path): expected the constant \(expected)") }
    if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal(value, $0) }) {
      errors.append("\(path): \(value) is not one of \(options)")
    }
    if let number = Self.number(value) {
      if let m = schema["minimum"] as? Double, number < m { errors.append("\(path): \(number) < minimum \(m)") }
      if let m = schema["maximum"] as? Double, number > m { errors.append("\(path): \(number) > maximum \(m)") }
      if let m = schema["exclusiveMinimum"] as? Double, number <= m { errors.append("\(path): \(number) ≤ \(m)") }
    }
    if let string = value as? String, let pattern = schema["pattern"] as? String,
      string.range(of: pattern, options: .regularExpression) == nil
    {
      errors.append("\(path): \"\(string)\" does not match \(pattern)")
    }
    if let array = value as? [Any] {
      if let n = schema["minItems"] as? Int, array.count < n { errors.append("\(path): fewer than \(n) items") }
      if let n = schema["maxItems"] as? Int, array.count > n { errors.append("\(path): more than \(n) items") }
      if let items = schema["items"] as? [String: Any] {
        for (i, item) in array.enumerated() { check(item, against: items, at: "\(path)[\(i)]", into: &errors) }
      }
    }
    if let object = value as? [String: Any] {
      for key in schema["required"] as? [String] ?? [] where object[key] == nil { errors.append("\(path): missing \(key)") }
      let properties = schema["properties"] as? [String: Any] ?? [:]
      for (key, item) in object {
        if let sub = properties[key] as? [String: Any] {
          check(item, against: sub, at: "\(path).\(key)", into: &errors)
        } else if let extra = schema["additionalProperties"] as? [String: Any] {
          check(item, against: extra, at: "\(path).\(key)", into: &errors)
        } else if let allowed = schema["additionalProperties"] as? Bool, !allowed {
          errors.append("\(path): unexpected property \(key)")
        }
      }
    }
  }

  /// JSONSerialization gives booleans as NSNumbers of ObjC type "c" (char), numbers otherwise.
  static func isBoolean(_ v: Any) -> Bool {
    guard let n = v as? NSNumber else { return false }
    return String(cString: n.objCType) == "c"
  }

  static func number(_ v: Any) -> Double? {
    guard let n = v as? NSNumber, !isBoolean(v) else { return nil }
    return n.doubleValue
  }

  static func matches(_ v: Any, _ type: String) -> Bool {
    switch type {
    case "object": v is [String: Any]
    case "array": v is [Any]
    case "string": v is String
    case "boolean": isBoolean(v)
    case "null": v is NSNull
    case "number": number(v) != nil
    case "integer": number(v).map { $0.rounded() == $0 } ?? false
    default: false
    }
  }

  static func equal(_ a: Any, _ b: Any) -> Bool {
    if isBoolean(a) || isBoolean(b) { return isBoolean(a) && isBoolean(b) && (a as! NSNumber).boolValue == (b as! NSNumber).boolValue }
    if let x = number(a), let y = number(b) { return x == y }
    if let x = a as? String, let y = b as? String { return x == y }
    if let x = a as? [Any], let y = b as? [Any] { return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) } }
    return false
  }
}
