/// The HepaFoci release these sources build, reported in every output file.
public enum SoftwareVersion {
  public static let string = "0.1.0"
}
