import FociEvaluation
import FociPhantom
import Foundation

/// The tab-separated tables and the plain-text summary of `evaluate`.
enum EvaluationTables {
  /// A number for a table cell: empty when absent, fixed decimals otherwise.
  static func cell(_ value: Double?, _ decimals: Int = 3) -> String {
    guard let value, value.isFinite else { return "" }
    return String(format: "%.\(decimals)f", value)
  }

  /// lesions.tsv: one row per true and per predicted lesion, with its match. With the phantom's
  /// truth (`phantom`: its lesions by study and id), the true lesion's designed contrasts too
  /// (its signal over the parenchyma's on native T1 and T2, in the arterial and venous phases):
  /// what a miss had to be found by.
  static func lesions(_ studies: [StudyEvaluation], phantom: [String: [Int: PhantomTruth.Lesion]] = [:]) -> String {
    var lines = [
      [
        "study_id", "side", "id", "status", "partner_id", "mimic_id", "iou", "size_bin", "true_diameter_mm", "true_volume_mm3",
        "predicted_diameter_mm", "predicted_volume_mm3", "voxels", "shunt_like", "channel", "true_native_ratio", "true_arterial_ratio",
        "true_venous_ratio", "true_t2_ratio",
      ].joined(separator: "\t")
    ]
    func contrasts(_ lesion: PhantomTruth.Lesion?) -> [String] {
      [cell(lesion?.nativeT1Ratio), cell(lesion?.arterialRatio), cell(lesion?.venousRatio), cell(lesion?.t2Ratio)]
    }
    for study in studies {
      let truthByID = Dictionary(uniqueKeysWithValues: study.truth.map { ($0.id, $0) })
      let designed = phantom[study.studyID] ?? [:]
      for t in study.truth {
        lines.append(
          ([
            study.studyID, "truth", String(t.id), t.status.rawValue, t.predictedID.map(String.init) ?? "", "", cell(t.iou),
            t.sizeBin.rawValue, cell(t.diameterMM, 2), cell(t.volumeMM3, 1), cell(t.predictedDiameterMM, 2), cell(t.predictedVolumeMM3, 1),
            String(t.voxels), "", t.predictedChannel?.rawValue ?? "",
          ] + contrasts(designed[t.id])).joined(separator: "\t"))
      }
      for p in study.predicted {
        let partner = p.truthID.flatMap { truthByID[$0] }
        lines.append(
          ([
            study.studyID, "predicted", String(p.id), p.status.rawValue, p.truthID.map(String.init) ?? "", p.mimicID.map(String.init) ?? "",
            cell(p.iou), partner?.sizeBin.rawValue ?? "", cell(partner?.diameterMM, 2), cell(partner?.volumeMM3, 1), cell(p.diameterMM, 2),
            cell(p.volumeMM3, 1), String(p.voxels), p.shuntLike.map { $0 ? "true" : "false" } ?? "", p.channel?.rawValue ?? "",
          ] + contrasts(partner.flatMap { designed[$0.id] })).joined(separator: "\t"))
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// froc.tsv: one row per threshold.
  static func froc(_ froc: FROC) -> String {
    var header = ["k", "fp_per_study", "sensitivity", "sensitivity_lower95", "sensitivity_upper95"]
    header += SizeBin.allCases.map { "sensitivity_\($0.rawValue)mm" }
    header += ["true_positives", "true_lesions", "false_positives", "mimic_detections", "split_fragments"]
    var lines = [header.joined(separator: "\t")]
    for p in froc.points {
      var row = [cell(p.k, 2), cell(p.falsePositivesPerStudy), cell(p.sensitivity.value, 4), cell(p.sensitivity.lower95, 4), cell(p.sensitivity.upper95, 4)]
      row += p.sensitivityBySize.map { cell($0.sensitivity.value, 4) }
      row += [String(p.sensitivity.successes), String(p.sensitivity.trials), String(p.falsePositives), String(p.mimicDetections), String(p.splitFragments)]
      lines.append(row.joined(separator: "\t"))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func percent(_ value: Double?) -> String { value.map { String(format: "%5.1f %%", 100 * $0) } ?? "    -  " }

  static func interval(_ p: Proportion) -> String {
    guard let lo = p.lower95, let hi = p.upper95 else { return "" }
    return String(format: "%.1f–%.1f", 100 * lo, 100 * hi)
  }

  static func agreement(_ name: String, _ a: Agreement?, unit: String) -> String? {
    guard let a else { return nil }
    return String(
      format: "%@: median %+.2f%@ (IQR %+.2f to %+.2f; of |error| %.2f), bias %+.2f, 95 %% limits %+.2f to %+.2f (n = %d)", name,
      a.median, unit, a.lowerQuartile, a.upperQuartile, a.medianAbsolute, a.bias, a.lowerLimit, a.upperLimit, a.count)
  }

  /// What `evaluate` prints.
  static func summary(_ d: EvaluationDocument, out: String) -> String {
    let c = d.cohort, n = c.counts
    let rule = d.matching.rule == .overlap ? String(format: "overlap, IoU ≥ %.2f or half of one inside the other", d.matching.minimumIoU) : "centroid"
    var lines = [
      "\(n.studies) studies, \(n.trueLesions) true lesions, \(n.predictedLesions) detections (matching: \(rule))",
      "",
      "size (mm)   true  found  merged  sensitivity  95 % CI",
    ]
    func row(_ name: String, _ p: Proportion, merged: Int) -> String {
      name.padding(toLength: 9, withPad: " ", startingAt: 0)
        + String(format: "%6d %6d %7d     ", p.trials, p.successes, merged) + percent(p.value) + "  " + interval(p)
    }
    for b in c.sensitivityBySize { lines.append(row(b.bin.rawValue, b.sensitivity, merged: b.merged)) }
    lines.append(row("all", c.sensitivity, merged: n.merged))
    lines.append("")
    lines.append(
      String(
        format: "false positives %d (%.2f per study); mimic detections %d, flagged shunt-like %@; split fragments %d",
        n.falsePositives, c.falsePositivesPerStudy, n.mimicDetections, percent(c.mimics.flaggedShuntLike.value).trimmingCharacters(in: .whitespaces),
        n.splitFragments))
    lines.append(
      "precision \(percent(c.precision.value).trimmingCharacters(in: .whitespaces)), F1 \(cell(c.f1)), Dice global \(cell(c.dice.global))"
        + (c.dice.perStudy.map { ", per study median \(cell($0.median)) (IQR \(cell($0.lowerQuartile))–\(cell($0.upperQuartile)))" } ?? ""))
    if let channels = c.byChannel {
      lines.append(
        "by channel (matched / false positives / split fragments / mimics): "
          + channels.map { "\($0.channel.rawValue) \($0.truePositives) / \($0.falsePositives) / \($0.splitFragments) / \($0.mimicDetections)" }
          .joined(separator: "; "))
    }
    lines += [
      agreement("max diameter error", c.errors.maxDiameterMM, unit: " mm"),
      agreement("volume error", c.errors.volumePercent, unit: " %"),
      agreement("burden error", c.errors.burdenPercentPoints, unit: " points"),
    ].compactMap { $0 }
    if let s = d.classShares {
      lines.append(
        String(
          format: "class shares (%d largest lesions per study, %d measured): largest difference %.1f points (%@: %.1f %% against %.1f %% true)",
          s.lesionsPerPatient, s.measuredLesions, 100 * s.largestDifference, s.largestDifferenceClass,
          100 * (s.shares[s.largestDifferenceClass]?.measured ?? 0), 100 * (s.shares[s.largestDifferenceClass]?.truth ?? 0)))
    }
    lines.append("")
    if let f = d.froc {
      let ks = f.points.map(\.k)
      lines.append(
        "FROC over k = \(cell(ks.first, 1))…\(cell(ks.last, 1)) (\(ks.count) thresholds), mimics not counted as false positives:")
      lines.append(
        "  FP/study     " + f.readings.map { String(format: "%7.2f", $0.falsePositivesPerStudy) }.joined() + "     CPM")
      lines.append(
        "  sensitivity  " + f.readings.map { String(format: "%6.1f%%", 100 * $0.sensitivity) }.joined()
          + String(format: "  %5.1f%%", 100 * f.cpm))
      if let one = f.readings.first(where: { $0.falsePositivesPerStudy == 1 }), let k = one.k, let bins = one.sensitivityBySize {
        lines.append(
          "  at ≤ 1 FP/study (k = \(cell(k, 2))): "
            + bins.map { "\($0.bin.rawValue) mm \(percent($0.sensitivity.value).trimmingCharacters(in: .whitespaces))" }.joined(separator: ", "))
      }
    } else {
      lines.append("FROC skipped: \(d.frocSkipped ?? "")")
    }
    lines.append("")
    lines.append("written: \(out)/evaluation.json, \(out)/lesions.tsv" + (d.froc != nil ? ", \(out)/froc.tsv" : ""))
    return lines.joined(separator: "\n")
  }
}
