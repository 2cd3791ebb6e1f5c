import FociReport
import Foundation
import Testing
import _FociTestSupport

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite("hepafoci report")
struct ReportCommandTests {
  let folder = TemporaryFolder()

  /// Elements of a well-formed XML document, or the parser's error.
  final class Elements: NSObject, XMLParserDelegate {
    var names: [String] = []
    var attributes: [[String: String]] = []
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
      names.append(name)
      self.attributes.append(attributes)
    }
  }

  @Test("cohort --report: a montage and thumbnail per study, report.html well-formed with a row, an embedded picture and a montage link per study, failures listed")
  func cohortReport() throws {
    let cohort = folder.file("cohort")
    #expect(
      try CLI.run(["phantom", "--out", cohort, "--studies", "3", "--seed", "8", "--shape", "128", "104", "36", "--spacing", "2.8", "2.8", "7"]).status == 0)
    try FileManager.default.removeItem(atPath: cohort + "/study-0003/arterial.nii.gz")
    let out = folder.file("out")
    let run = try CLI.run(["cohort", cohort + "/manifest.tsv", "--out", out, "--report", "--quiet"])
    #expect(run.status == 1, "\(run.stderr)")
    for id in ["study-0001", "study-0002"] {
      let montage = try PNGCodec.read("\(out)/\(id)/montage.png")
      #expect(montage.width >= 400 && montage.height > 400)
      let thumbnail = try PNGCodec.read("\(out)/\(id)/thumbnail.png")
      #expect(thumbnail.width > 16 && thumbnail.width < 200)
    }
    let data = try Data(contentsOf: URL(fileURLWithPath: out + "/report.html"))
    let parser = XMLParser(data: data)
    let elements = Elements()
    parser.delegate = elements
    #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    #expect(elements.names.first == "html" && elements.names.filter { $0 == "svg" }.count == 4)
    let images = elements.attributes.compactMap { $0["src"] }
    #expect(images.count == 2 && images.allSatisfy { $0.hasPrefix("data:image/png;base64,") })
    let links = Set(elements.attributes.compactMap { $0["href"] })
    #expect(links == ["study-0001/montage.png", "study-0002/montage.png"])
    // Nothing is fetched from elsewhere.
    let text = String(decoding: data, as: UTF8.self)
    let withoutNamespaces = text.replacingOccurrences(of: "xmlns=\"http://www.w3.org/", with: "")
    #expect(!withoutNamespaces.contains("http:") && !withoutNamespaces.contains("https:"))
    #expect(text.contains("study-0003") && text.contains("Failures (1)"))
  }

  @Test("report on an analyze output folder draws its pictures from the recorded inputs; a folder that is neither fails")
  func studyFolder() throws {
    let cohort = folder.file("cohort")
    #expect(
      try CLI.run(["phantom", "--out", cohort, "--studies", "1", "--seed", "9", "--shape", "128", "104", "36", "--spacing", "2.8", "2.8", "7"]).status == 0)
    let out = folder.file("one")
    #expect(try CLI.run(["analyze", cohort + "/study-0001", "--out", out]).status == 0)
    let report = try CLI.run(["report", out])
    #expect(report.status == 0, "\(report.stderr)")
    let montage = try PNGCodec.read(out + "/montage.png")
    // Drawn again with --report at analysis time: the same picture.
    let again = folder.file("two")
    #expect(try CLI.run(["analyze", cohort + "/study-0001", "--out", again, "--report"]).status == 0)
    #expect(try PNGCodec.read(again + "/montage.png").pixels.count == montage.pixels.count)
    let empty = folder.file("empty")
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    let none = try CLI.run(["report", empty])
    #expect(none.status == 66 && none.stderr.contains(empty))
    // An input lesions.json records, damaged: 65; gone: 66; either named on stderr.
    let arterial = cohort + "/study-0001/arterial.nii.gz"
    let bytes = try Data(contentsOf: URL(fileURLWithPath: arterial))
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: arterial))
    let damaged = try CLI.run(["report", out])
    #expect(damaged.status == 65 && damaged.stderr.contains("arterial.nii.gz"), "\(damaged.stderr)")
    try FileManager.default.removeItem(atPath: arterial)
    let gone = try CLI.run(["report", out])
    #expect(gone.status == 66 && gone.stderr.contains("arterial.nii.gz"), "\(gone.stderr)")
  }
}
