import FociCohort
import FociCore
import Foundation

/// `report.html`: one self-contained page for a cohort output folder (no network, no files
/// besides the montages it links to): SPEC §7's table beside the clinical figures, histograms
/// of lesion max diameter and burden and the class shares as inline SVG, the failures, and a
/// row per study with its thumbnail (embedded) and a link to its montage. Written as
/// well-formed XHTML, so XML tools read it too.
public enum CohortReportPage {
  public static let fileName = "report.html"

  /// The page for a cohort folder's `summary` (thumbnails are read from the study folders).
  public static func html(_ summary: CohortTables.Summary, folder: CohortFolder, title: String = "HepaFoci cohort report") -> String {
    let document = summary.document
    let (done, failed) = (summary.analysed, summary.failed)
    var page = Page()
    page.line("<!DOCTYPE html>")
    page.line("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">")
    page.line("<head><meta charset=\"utf-8\"/><title>\(escape(title))</title>")
    page.line("<style>\(style)</style></head>")
    page.line("<body>")
    page.line("<h1>\(escape(title))</h1>")
    page.line(
      "<p>\(document.studies) studies: \(document.analysed) analysed, \(document.failed) failed. HepaFoci \(escape(document.softwareVersion)).</p>")

    // SPEC §7's table.
    let s = document.statistics, r = document.reference
    page.line("<h2>Per patient (SPEC §7 form)</h2>")
    page.line("<table><tr><th>quantity</th><th>median</th><th>min</th><th>max</th><th>SD</th><th>clinical median (min–max), SD</th></tr>")
    for (name, value, ref) in [
      ("lesions in the liver", s.lesionCount, r.lesionCount), ("burden, % of liver", s.burdenPercent, r.burdenPercent),
      ("smallest lesion, mm", s.smallestLesionMM, r.smallestLesionMM), ("largest lesion, mm", s.largestLesionMM, r.largestLesionMM),
      ("largest avascular zone, mm", s.largestAvascularZoneMM, r.largestAvascularZoneMM),
    ] {
      let cells = value.map { v in [v.median, v.min, v.max, v.standardDeviation].map { "<td>\(format($0))</td>" }.joined() }
        ?? "<td colspan=\"4\">—</td>"
      page.line(
        "<tr><td>\(escape(name))</td>\(cells)<td>\(format(ref.median)) (\(format(ref.min))–\(format(ref.max))), \(format(ref.standardDeviation))</td></tr>")
    }
    page.line("</table>")
    page.line("<h2>Shares of patients</h2>")
    page.line(bars(s.patientShares, reference: r.patientShares, order: patientOrder))
    page.line("<h2>Classes of each patient's \(CohortStatistics.classifiedPerPatient) largest lesions (\(s.classifiedLesions) lesions)</h2>")
    page.line(bars(s.classShares, reference: r.classShares, order: classOrder))

    let diameters = done.flatMap { $0.1.lesions.map(\.geometry.maxDiameterMM) }
    let burdens = done.map { $0.1.summary.burdenPercent }
    page.line("<h2>Distributions</h2><div class=\"charts\">")
    page.line(histogram(diameters, edges: [0, 5, 10, 20, 30, 40, 60, 80, 100, 150, 200], title: "lesion max 3D diameter, mm (\(diameters.count) lesions)"))
    page.line(histogram(burdens, edges: stride(from: 0.0, through: 100, by: 10).map { $0 }, title: "burden, % of liver (\(burdens.count) patients)"))
    page.line("</div>")

    page.line("<h2>Failures (\(failed.count))</h2>")
    if failed.isEmpty {
      page.line("<p>None.</p>")
    } else {
      page.line("<table><tr><th>study</th><th>stage</th><th>message</th></tr>")
      for f in failed { page.line("<tr><td>\(escape(f.studyID))</td><td>\(f.stage.rawValue)</td><td>\(escape(f.message))</td></tr>") }
      page.line("</table>")
    }

    page.line("<h2>Studies</h2>")
    page.line(
      "<table class=\"studies\"><tr><th>study</th><th>picture</th><th>lesions</th><th>burden %</th><th>largest, mm</th><th>small</th><th>arterial-only</th><th>shunt-like</th></tr>")
    for (id, d) in done {
      let thumbnailPath = folder.studyPath(id) + "/" + StudyQualityControl.thumbnailName
      let montage = id + "/" + StudyQualityControl.montageName
      let picture: String
      if let bytes = FileManager.default.contents(atPath: thumbnailPath) {
        picture = "<a href=\"\(escape(montage))\"><img alt=\"\(escape(id))\" src=\"data:image/png;base64,\(bytes.base64EncodedString())\"/></a>"
      } else {
        picture = "—"
      }
      let f = d.summary.flagCounts
      page.line(
        "<tr><td><a href=\"\(escape(montage))\">\(escape(id))</a></td><td>\(picture)</td><td>\(d.summary.lesionCount)</td><td>\(format(d.summary.burdenPercent))</td><td>\(d.summary.largestLesionMM.map(format) ?? "—")</td><td>\(f["small"] ?? 0)</td><td>\(f["arterialOnly"] ?? 0)</td><td>\(f["shuntLike"] ?? 0)</td></tr>"
      )
    }
    page.line("</table>")
    page.line("</body></html>")
    return page.text
  }

  /// Writes the page into the folder (atomically).
  public static func write(_ summary: CohortTables.Summary, folder: CohortFolder) throws(StudyError) {
    try StudyPipeline.writeAtomically(Data(html(summary, folder: folder).utf8), to: folder.path + "/" + fileName)
  }

  struct Page {
    var text = ""
    mutating func line(_ s: String) { text += s + "\n" }
  }

  static let style = """
    body { font-family: sans-serif; margin: 2em; color: #222; max-width: 70em; }
    table { border-collapse: collapse; margin-bottom: 1.5em; }
    th, td { border-bottom: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
    th:first-child, td:first-child { text-align: left; }
    .studies img { display: block; }
    .charts { display: flex; flex-wrap: wrap; gap: 2em; }
    svg text { font-size: 11px; fill: #333; }
    """

  static let patientOrder = [
    "lesions>=5", "lesions>=10", "burden>=50", "smallest<=5mm", "avascularZone", "bloodProducts", "fluidLevel", "arterialOnlyFocus", "shuntLike",
  ]
  static let classOrder = [
    "shape.round", "shape.oval", "shape.irregular", "contour.sharp", "contour.blurred", "surface.smooth", "surface.lobulated",
    "arterial.active", "arterial.moderate", "arterial.weak", "venous.active", "venous.moderate", "venous.weak", "t2.hyperintense",
    "t2.isointense", "t2.hypointense", "nativeT1.hyperintense", "nativeT1.isointense", "nativeT1.hypointense",
  ]

  /// Horizontal bars of shares (0...1) with the clinical share as a dark tick.
  static func bars(_ shares: [String: Double], reference: [String: Double], order: [String]) -> String {
    let keys = order + shares.keys.filter { !order.contains($0) }.sorted()
    let rowHeight = 18, labelWidth = 170, barWidth = 300
    var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(labelWidth + barWidth + 120)\" height=\"\(keys.count * rowHeight + 24)\">"
    svg += "<rect x=\"\(labelWidth)\" y=\"2\" width=\"10\" height=\"10\" fill=\"#4a90d9\"/><text x=\"\(labelWidth + 14)\" y=\"11\">this cohort</text>"
    svg += "<rect x=\"\(labelWidth + 100)\" y=\"2\" width=\"3\" height=\"10\" fill=\"#222\"/><text x=\"\(labelWidth + 108)\" y=\"11\">clinical study</text>"
    for (n, key) in keys.enumerated() {
      let y = 20 + n * rowHeight
      let value = shares[key] ?? 0
      svg += "<text x=\"0\" y=\"\(y + 12)\">\(escape(key))</text>"
      svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(Int((value * Double(barWidth)).rounded()))\" height=\"12\" fill=\"#4a90d9\"/>"
      if let ref = reference[key] {
        svg += "<rect x=\"\(labelWidth + Int((ref * Double(barWidth)).rounded()) - 1)\" y=\"\(y)\" width=\"3\" height=\"16\" fill=\"#222\"/>"
      }
      svg += "<text x=\"\(labelWidth + barWidth + 8)\" y=\"\(y + 12)\">\(format(100 * value)) %</text>"
    }
    return svg + "</svg>"
  }

  /// A histogram over `edges` (the last bin also takes everything above).
  static func histogram(_ values: [Double], edges: [Double], title: String) -> String {
    var counts = [Int](repeating: 0, count: edges.count - 1)
    for v in values where v.isFinite {
      let bin = edges.dropFirst().firstIndex { v < $0 }.map { $0 - 1 } ?? counts.count - 1
      counts[max(0, bin)] += 1
    }
    let (width, height, left, bottom) = (420, 220, 36, 40)
    let top = max(1, counts.max() ?? 1)
    let barWidth = (width - left - 10) / counts.count
    var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\">"
    svg += "<text x=\"\(left)\" y=\"12\">\(escape(title))</text>"
    let plot = height - bottom - 20
    for (n, c) in counts.enumerated() {
      let h = Int((Double(c) / Double(top) * Double(plot)).rounded())
      let x = left + n * barWidth
      svg += "<rect x=\"\(x + 1)\" y=\"\(height - bottom - h)\" width=\"\(barWidth - 2)\" height=\"\(h)\" fill=\"#4a90d9\"/>"
      if c > 0 { svg += "<text x=\"\(x + 2)\" y=\"\(height - bottom - h - 3)\">\(c)</text>" }
      svg += "<text x=\"\(x)\" y=\"\(height - bottom + 14)\">\(format(edges[n]))</text>"
    }
    svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - 10)\" y2=\"\(height - bottom)\" stroke=\"#333\"/>"
    return svg + "</svg>"
  }

  static func format(_ v: Double) -> String {
    guard v.isFinite else { return "—" }
    return abs(v - v.rounded()) < 1e-9 && abs(v) < 1e9 ? String(Int(v.rounded())) : String(format: "%.1f", v)
  }

  /// Text safe inside XHTML elements and attribute values.
  static func escape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(c)
      }
    }
    return out
  }
}
