/// One thing painted into the phantom's images: a solid, its signal, how soft its edge is,
/// and what it means for the liver mask and the truth label maps.
public struct SceneObject: Sendable {
  public let solid: Solid
  /// `solid` in the form the renderer evaluates.
  public let compiled: CompiledSolid
  public var signal: TissueSignal
  /// Half-width (mm) of a linear blend across the surface: 0 for a sharp edge.
  public var edgeWidthMM: Double
  /// Liver-mask value painted with the object (1 liver, 0 not liver, nil unchanged).
  public var liverMembership: Double?
  /// Truth lesion id written where the object covers at least half a voxel (0 = none).
  public var lesionLabel: Int
  /// Truth mimic id written the same way (0 = none).
  public var mimicLabel: Int
  /// The solid does not change along world z inside the field of view (the body outline, the
  /// spine, the aorta): on an axial grid one slice's cover serves every slice.
  public var isAxiallyUniform: Bool
  /// Smallest radius of curvature of the surface (mm), when known. Where it is large against
  /// a voxel the surface is flat across the voxel and the renderer averages the voxel over its
  /// tangent plane exactly instead of supersampling.
  public var curvatureRadiusMM: Double?

  public init(
    solid: Solid, signal: TissueSignal, edgeWidthMM: Double = 0, liverMembership: Double? = nil,
    lesionLabel: Int = 0, mimicLabel: Int = 0, isAxiallyUniform: Bool = false, curvatureRadiusMM: Double? = nil
  ) {
    self.solid = solid
    compiled = CompiledSolid(solid)
    self.signal = signal
    self.edgeWidthMM = edgeWidthMM
    self.liverMembership = liverMembership
    self.lesionLabel = lesionLabel
    self.mimicLabel = mimicLabel
    self.isAxiallyUniform = isAxiallyUniform
    self.curvatureRadiusMM = curvatureRadiusMM
  }
}
