import ArgumentParser
import FociCore

@main
struct HepaFoci: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hepafoci",
    abstract: "Find and measure arterial-phase liver foci in multi-phase MRI (NIfTI).",
    discussion: """
      Exit codes: 0 success, 1 some studies of a cohort failed, 64 bad usage, 65 bad input data, 66 input missing or unreadable, \
      73 output could not be written.
      """,
    version: SoftwareVersion.string,
    subcommands: [Analyze.self, Cohort.self, Merge.self, Report.self, Evaluate.self, Info.self, Label.self, Register.self, Phantom.self]
  )

  /// Freed volumes stay in the heap for the next ones (see `HeapReuse`), then the command runs.
  static func main() {
    HeapReuse.enable()
    main(nil)
  }
}
