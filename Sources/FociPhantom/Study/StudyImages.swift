import FociCore

/// A rendered phantom study: every image as stored on disk, the liver mask and the truth
/// label maps.
public struct StudyImages: Sendable {
  public var images: [Modality: Volume<Int16>]
  public var liverMask: Volume<UInt8>
  /// Lesion ids of the truth (each voxel covered at least half by one lesion; a lesion too
  /// small for that gets its best-covered voxel).
  public var lesionLabels: LabelVolume
  /// Shunt-mimic ids, the same way.
  public var mimicLabels: LabelVolume

  /// The image of `modality` as float samples (as a reader of its file gets them), for
  /// analysing a study in memory; nil when the study has none.
  public func floatImage(_ modality: Modality) -> Volume<Float>? {
    images[modality].map { Volume(grid: $0.grid, voxels: $0.voxels.map(Float.init)) }
  }

  /// Renders `design`: six images (the native with the truth maps, each post-contrast phase
  /// at its shift, T2 and ADC on their own grids), then the scanner's field and noise.
  /// `parallel` renders the images side by side (for a single study; cohorts run studies
  /// side by side instead).
  public static func render(_ design: StudyDesign, parallel: Bool = true) -> StudyImages {
    let objects = design.sceneObjects()
    let settings = design.settings
    let jobs = Modality.allCases
    var rendered = [SceneRenderer.Output?](repeating: nil, count: jobs.count)
    var stored = [[Int16]](repeating: [], count: jobs.count)
    rendered.withUnsafeMutableBufferPointer { renderedOut in
      stored.withUnsafeMutableBufferPointer { storedOut in
        let targets = UncheckedSendable((renderedOut, storedOut))
        ParallelSlabs.forEach(count: jobs.count, maxThreads: parallel ? nil : 1) { j in
          let modality = jobs[j]
          let grid = PhantomGrids.grid(for: modality, settings)
          let renderer = SceneRenderer(
            grid: grid, shiftMM: design.shiftsMM[modality] ?? .zero, modalities: [modality], withTruth: modality == .native)
          let renderClock = StageClock.start()
          let output = renderer.render(objects)
          StageClock.record("phantom.render.\(modality)", since: renderClock)
          let noiseClock = StageClock.start()
          defer { StageClock.record("phantom.noise.\(modality)", since: noiseClock) }
          let clean = output.images[modality]!
          let stream = UInt64(modality.rawValue)
          let noisy: [Int16]
          switch modality {
          case .adc:
            noisy = Acquisition.diffusion(clean, grid: grid, relative: design.adcNoiseRelative, seed: design.noiseSeed, stream: stream)
          case .t2:
            noisy = Acquisition.magnitude(clean, grid: grid, bias: design.t2Bias, sigma: design.t2NoiseSigma, seed: design.noiseSeed, stream: stream)
          default:
            noisy = Acquisition.magnitude(clean, grid: grid, bias: design.t1Bias, sigma: design.t1NoiseSigma, seed: design.noiseSeed, stream: stream)
          }
          targets.value.0[j] = modality == .native ? output : nil
          targets.value.1[j] = noisy
        }
      }
    }
    var images: [Modality: Volume<Int16>] = [:]
    for (j, modality) in jobs.enumerated() {
      images[modality] = Volume(grid: PhantomGrids.grid(for: modality, settings), voxels: stored[j], sourceType: .int16)
    }
    let native = rendered[0]!
    let grid = PhantomGrids.native(settings)
    let mask = native.liverFraction!.map { $0 >= 0.5 ? UInt8(1) : 0 }
    return StudyImages(
      images: images, liverMask: Volume(grid: grid, voxels: mask, sourceType: .uint8),
      lesionLabels: LabelVolume(grid: grid, labels: native.lesionLabels!),
      mimicLabels: LabelVolume(grid: grid, labels: native.mimicLabels!))
  }
}
