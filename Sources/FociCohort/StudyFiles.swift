import Crypto
import FociAnalysis
import FociCore
import FociNIfTI
import Foundation

/// The input files of one study by role: from a study folder (the phantom's file names), from
/// a manifest row, or named one by one.
public struct StudyFiles: Sendable, Hashable {
  public var native: String
  public var arterial: String
  public var venous: String?
  public var delayed: String?
  /// T2-weighted images, reported under their file names without extension.
  public var t2: [String]
  public var adc: String?
  public var liverMask: String

  /// The file stems a study folder is searched for, and the manifest columns, by role.
  public static let stems = ["native", "arterial", "venous", "delayed", "t2", "adc", "liver_mask"]

  public init(
    native: String, arterial: String, venous: String? = nil, delayed: String? = nil, t2: [String] = [], adc: String? = nil,
    liverMask: String
  ) {
    self.native = native
    self.arterial = arterial
    self.venous = venous
    self.delayed = delayed
    self.t2 = t2
    self.adc = adc
    self.liverMask = liverMask
  }

  /// Files named explicitly win over the folder's; the folder is searched for `ROLE.nii.gz`,
  /// then `ROLE.nii` (and `t2_*` for more T2 images). Fails (stage `inputs`) when the folder
  /// does not exist or a required role has no file.
  public init(
    folder: String?, native: String? = nil, arterial: String? = nil, venous: String? = nil, delayed: String? = nil,
    t2: [String] = [], adc: String? = nil, liverMask: String? = nil
  ) throws(StudyError) {
    let fm = FileManager.default
    func find(_ stem: String) -> String? {
      guard let folder else { return nil }
      return [".nii.gz", ".nii"].map { folder + "/" + stem + $0 }.first { fm.fileExists(atPath: $0) }
    }
    if let folder {
      var isFolder: ObjCBool = false
      guard fm.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
        throw StudyError(stage: .inputs, kind: .missingInput, message: "\(folder): no such study folder")
      }
    }
    func required(_ given: String?, _ stem: String, _ role: String) throws(StudyError) -> String {
      if let path = given ?? find(stem) { return path }
      throw StudyError(
        stage: .inputs, kind: .missingInput,
        message: "\(folder ?? "."): the \(role) is missing (no \(stem).nii.gz or \(stem).nii, and no --\(stem.replacingOccurrences(of: "_", with: "-")))")
    }
    var t2Files = t2
    if t2Files.isEmpty, let folder {
      let names = (try? fm.contentsOfDirectory(atPath: folder)) ?? []
      t2Files = names.filter { n in
        (n.hasPrefix("t2.") || n.hasPrefix("t2_")) && (n.hasSuffix(".nii.gz") || n.hasSuffix(".nii"))
      }.sorted().map { folder + "/" + $0 }
    }
    self.init(
      native: try required(native, "native", "native T1"), arterial: try required(arterial, "arterial", "arterial T1"),
      venous: venous ?? find("venous"), delayed: delayed ?? find("delayed"), t2: t2Files, adc: adc ?? find("adc"),
      liverMask: try required(liverMask, "liver_mask", "liver mask"))
  }

  /// The files of a manifest row: columns `native`, `arterial`, `liver_mask` (required),
  /// `venous`, `delayed`, `adc`, and `t2` or `t2_*` (in column order).
  public init(row: StudyManifest.Row, columns: [String]) {
    let p = row.paths
    self.init(
      native: p["native"] ?? "", arterial: p["arterial"] ?? "", venous: p["venous"], delayed: p["delayed"],
      t2: columns.filter { $0 == "t2" || $0.hasPrefix("t2_") }.compactMap { p[$0] }, adc: p["adc"],
      liverMask: p["liver_mask"] ?? "")
  }

  /// The name a T2 file is reported under: its file name without extension.
  public static func stem(_ path: String) -> String {
    var name = String(path.split(separator: "/").last ?? Substring(path))
    for ext in [".nii.gz", ".nii"] where name.hasSuffix(ext) { name.removeLast(ext.count) }
    return name
  }

  /// Every input with its role, required ones first.
  public var roles: [(role: StudyRole, path: String)] {
    var all: [(StudyRole, String)] = [(.native, native), (.arterial, arterial), (.liverMask, liverMask)]
    if let venous { all.append((.venous, venous)) }
    if let delayed { all.append((.delayed, delayed)) }
    if let adc { all.append((.adc, adc)) }
    for path in t2 { all.append((.t2(Self.stem(path)), path)) }
    return all
  }

  /// The file behind an `AnalysisError` role.
  public func path(of role: StudyRole) -> String? { roles.first { $0.role == role }?.path }

  /// Bytes the decoded inputs take (4 per voxel, 1 for the mask), from the headers alone; nil
  /// when a header cannot be read (the study will then fail when read).
  public func decodedBytes() -> Int? {
    var total = 0
    for (role, path) in roles {
      guard let voxels = NIfTIReader.peekVoxelCount(path) else { return nil }
      total += voxels * (role == .liverMask ? 1 : 4)
    }
    return total
  }

  /// Reads every file (several at once) and, unless `digests` is false (the records' sha256
  /// then empty), digests each.
  public func load(digests: Bool = true) throws(StudyError) -> (StudyInputs, [InputRecord]) {
    let jobs = roles
    enum Loaded { case image(Volume<Float>), mask(Volume<UInt8>) }
    let results = concurrentResults(count: jobs.count) { index in
      let job = jobs[index]
      return Result { () throws(NIfTIError) -> (Loaded, String) in
        let loaded: Loaded = job.role == .liverMask ? .mask(try NIfTIReader.readMask(job.path)) : .image(try NIfTIReader.read(job.path).volume)
        return (loaded, digests ? Self.sha256(job.path) ?? "" : "")
      }
    }
    var images: [StudyRole: Volume<Float>] = [:]
    var t2Images: [StudyInputs.Named] = []
    var mask: Volume<UInt8>?
    var records: [InputRecord] = []
    for (index, job) in jobs.enumerated() {
      let loaded: Loaded
      let digest: String
      do { (loaded, digest) = try results[index].get() } catch { throw StudyError(error, stage: .read) }
      records.append(InputRecord(role: job.role.key, path: job.path, sha256: digest))
      switch (loaded, job.role) {
      case (.mask(let m), _): mask = m
      case (.image(let v), .t2(let name)): t2Images.append(StudyInputs.Named(name: name, volume: v))
      case (.image(let v), let role): images[role] = v
      }
    }
    let inputs = StudyInputs(
      native: images[.native]!, arterial: images[.arterial]!, venous: images[.venous], delayed: images[.delayed],
      t2: t2Images, adc: images[.adc], liverMask: mask!)
    return (inputs, records)
  }

  /// The inputs as lesions.json records them, digesting every file; nil when one cannot be read.
  public func records() -> [InputRecord]? {
    let jobs = roles
    let digests = concurrentResults(count: jobs.count) { index in
      Result<String?, Never>.success(Self.sha256(jobs[index].path))
    }
    var out: [InputRecord] = []
    for (job, digest) in zip(jobs, digests) {
      guard case .success(let d?) = digest else { return nil }
      out.append(InputRecord(role: job.role.key, path: job.path, sha256: d))
    }
    return out
  }

  /// SHA-256 of a file's bytes, hex, read in 4 MB pieces; nil if it cannot be read.
  public static func sha256(_ path: String) -> String? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    var hasher = SHA256()
    while true {
      // nil (or empty) at the end of the file; a read error throws.
      let chunk: Data?
      do { chunk = try handle.read(upToCount: 1 << 22) } catch { return nil }
      guard let chunk, !chunk.isEmpty else { break }
      hasher.update(data: chunk)
    }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
  }
}

/// One input of lesions.json: its role, the path it was read from, and its SHA-256.
public struct InputRecord: Sendable, Hashable, Codable {
  public var role: String
  public var path: String
  public var sha256: String

  public init(role: String, path: String, sha256: String) {
    self.role = role
    self.path = path
    self.sha256 = sha256
  }
}
