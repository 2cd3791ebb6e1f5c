import FociComponents
import FociCore
import FociFilters

/// The second detection channel ("venous support"): lesions that do not enhance more than the
/// liver in the arterial phase and so never pass the subtraction threshold, found where they
/// are darker than the liver around them on native T1 (and are not vessels, which are as dark
/// natively but bright in the portal venous phase), or darker than it in the portal venous
/// phase. About two thirds of NET metastases enhance moderately or weakly in the arterial
/// phase (SPEC §7); most are hypointense on native T1.
///
/// Both images are compared with the liver around each voxel rather than with one global
/// value, so the coil's smooth intensity field cancels: each is divided by its local
/// parenchyma level (a wide Gaussian average of the liver outside arterial foci, normalised by
/// the same average of the mask), then smoothed inside the liver only (so the dark outside never
/// bleeds into the edge). Darkness is 1 − that ratio. A first pass finds the clearest dark
/// regions and drops them from the parenchyma, so a large lesion does not darken its own
/// reference. Thresholds are the MAD rule on the darkness of the remaining parenchyma away from
/// the capsule. Seeds lie at least `capsuleMarginVoxels` inside the mask (edge voxels share
/// their volume with the dark tissue outside); regions grow from them into voxels over
/// `growFraction` of the threshold anywhere in the liver, and are kept from
/// `minimumVoxels`.
public struct HypointenseChannel: Sendable, Hashable, Codable {
  /// Seeds: darkness above median + k·1.4826·MAD of the parenchyma's (default 4).
  public var k = 4.0
  /// Regions grow into voxels above this share of the seed threshold (default 1: no growth;
  /// lower values join neighbouring lesions through partial-volume gaps on the phantoms).
  public var growFraction = 1.0
  /// Smoothing inside the liver, σ in mm (default 2).
  public var smoothingSigmaMM = 2.0
  /// Width of the local parenchyma level, σ in mm (default 15).
  public var backgroundSigmaMM = 15.0
  /// Native-dark voxels are vessels when they are brighter than the local parenchyma in the
  /// venous phase by at least this share of their native darkness (default 0.2). A ratio of
  /// the two, so a vessel filling only part of a voxel is caught as surely as a whole one:
  /// portal veins score about 1, hepatic veins 0.5, lesions mostly 0 or below.
  public var vesselVenousExcess = 0.2
  /// Native-dark voxels at or above this venous ratio to the local parenchyma are vessels
  /// whatever their native darkness (default 1.15).
  public var vesselVenousRatio = 1.15
  /// Native-dark parts too wide for a vessel are off vessels whatever the venous phase shows:
  /// where a ball of this radius fits in the liver's area darker than `minimumContrast`
  /// (`DistanceTransform.opening`; default 8 mm, 0 = off), in each connected part that the
  /// voxel-wise test takes for vessels for at least half its voxels (an ordinary dark lesion's
  /// few vessel-like voxels are partial volume with veins passing by, and stay vessels). The
  /// widest veins inside the liver, the portal vein's main branches, are at most 12–15 mm
  /// across, while a metastasis that enhances more than the liver in the portal venous phase
  /// (a sixth of NET metastases are graded active there) is as dark natively and as bright in
  /// the venous phase as a vein, and the voxel-wise vessel test lost it however large it was. A liver mask that holds the
  /// intrahepatic inferior vena cava (about 20 mm across) or a wide venous confluence needs a
  /// larger radius, or 0. Wide parts that T2 shows clearly (median brightness over
  /// `minimumT2Contrast`) are left to it: there native darkness only reached into dark
  /// neighbours, which merged (on seed 2, two lesions of 28 and 37 mm beside one of 123 mm).
  /// On the seed-1 benchmark cohort: 5 lesions of 29–45 mm found that were missed, 1 of 26 mm
  /// lost (1581 → 1585), 5–10 mm 415 → 417, false positives 30 → 31, split fragments
  /// 187 → 183; on 60 studies of seed 2, not tuned on: ≥ 20 mm 730 → 731, 5–10 mm 170 → 169,
  /// < 5 mm 111 → 110, false positives 32 → 34, split fragments 40 → 34.
  ///
  /// The same width serves the arterial phase, with a T2 image and `arterialDarkness`: a part
  /// wider than a vessel where the liver is at least `minimumContrast` darker in the arterial
  /// phase, and which nothing else scores (under a tenth of its voxels over 1), seeds on its
  /// arterial darkness (as a share of its own seed level). A lesion iso to the liver natively,
  /// in the venous phase and on T2 shows only there, and arterial darkness alone otherwise seeds
  /// nothing (noise and veins). On the seed-1 cohort: 2 more lesions of ≥ 20 mm (22 and 25 mm;
  /// 1585 → 1587), no more false positives, 2 more split fragments; on seed 2: 1 more (47 mm),
  /// no more false positives or fragments.
  public var vesselMaximumRadiusMM = 8.0
  /// The same width in the portal venous phase (with `vesselMaximumRadiusMM` over 0; default
  /// true): a part wider than a vessel where the liver is at least `minimumContrast` brighter
  /// in the venous phase (vessels are bright there), and which nothing on T1 scores (under a
  /// tenth of its voxels over 1), seeds on its venous brightness (as a share of its own seed
  /// level). A progressively enhancing lesion iso to the liver natively and on T2 shows only
  /// there and, less, as arterial darkness. Seed-1 cohort: 1 lesion of 39 mm found (study 96,
  /// lesion 7; ≥ 20 mm 1588 → 1589), no more false positives, 2 fewer split fragments; seed 2:
  /// no change.
  public var venousBrightWide = true
  /// Seeds stay this many voxels inside the mask along x, y, z (default 2, 2, 1).
  public var capsuleMarginVoxels = [2, 2, 1]
  /// Smallest region kept, in voxels (default 10), unless it is a small region that passes
  /// `smallRegionMeanScore` or `smallRegionRawContrast`.
  public var minimumVoxels = 10
  /// Regions of this many voxels up to `minimumVoxels` are kept when their mean score (a
  /// voxel's darkness as a share of its seed level) is at least `smallRegionMeanScore`
  /// (defaults 6 and 1.4; 0 = off). A lesion of 5–10 mm on 3.5 mm slices holds about 8
  /// voxels; the same floor without a score condition finds them at the cost of a false
  /// positive each, and small noise regions rarely stay 40 % past their seed level
  /// throughout (on the seed-1 benchmark cohort: 8 more lesions for 2 more false positives;
  /// on 60 studies of seed 2, not tuned on: 7 more for 3).
  public var smallRegionVoxels = 6
  public var smallRegionMeanScore = 1.4
  /// Regions of `rawContrastVoxels` voxels up to `minimumVoxels` are also kept when their
  /// unsmoothed native darkness (1 − native over the final level, before any smoothing)
  /// averages at least this much (defaults 4 and 0.15; 0 = off). Smoothing spreads a lesion
  /// of 4–9 voxels over its surroundings, so its score stays near the seed level however dark
  /// it is; the noise regions of that size the seed level lets through are the smoothed
  /// noise's peaks, whose voxels are only a few per cent darker than the liver. On the seed-1
  /// benchmark cohort: 5 more lesions of 5–10 mm (natively 20–37 % darker, 8–18 voxels over
  /// the threshold, scoring 1.15–1.3 on average), 2 more false positives, 2 more split
  /// fragments; on 60 studies of seed 2, not tuned on: 2 more lesions of 5–10 mm, 1 more false
  /// positive. At 0.20 seed 1 found 4 for 1; from 6 voxels at 0.15, 2 for none; from 3 at
  /// 0.18 the same 5 as from 4, for 1 more fragment.
  public var smallRegionRawContrast = 0.15
  public var rawContrastVoxels = 4
  /// The smallest region any rule keeps.
  var smallestRegionVoxels: Int { smallRegionVoxels > 0 ? min(smallRegionVoxels, minimumVoxels) : minimumVoxels }
  /// Seeds are at least this much darker than the local parenchyma whatever the MAD rule
  /// gives (default 0.10, the ±10 % of the signal classes): smoothed parenchyma is so uniform
  /// that k robust SDs can be a 2 % step, which partial volume at vessels already makes.
  public var minimumContrast = 0.10
  /// Seeded parts without a core become lesions too (default true: a quarter of the phantom's
  /// lesions are less than 17 % darker natively, under the core level of 2 × 10 %).
  public var markersWithoutCore = true
  /// Cores, one marker per lesion, score over this multiple of the seed threshold (default 2).
  public var coreFactor = 2.0
  /// With a T2 image, voxels at least this much brighter than the liver around them on T2
  /// seed lesions too (default 0.30; NET metastases are mostly far brighter, vessels darker).
  public var minimumT2Contrast = 0.30
  /// T2 is read against a level of its own (this cap > 0; default 0.16; 0 = the T1 level's
  /// reference, as before). The parenchyma reference comes from the T1 phases, so tissue only
  /// T2 shows stays in it: most NET metastases are 2–3× brighter than the liver on T2 and
  /// near iso on T1, and in a liver crowded with them T2's level rises until small lesions
  /// beside them read as iso (on the phantom, two 5.5–5.9 mm lesions 2.7× brighter on T2 read
  /// about 0). The voxels brighter on T2 than the first level's k = 3 threshold, taken between
  /// `t2LevelFloor` and this cap, and a voxel around them, are left out of the reference for
  /// T2 alone and its level fitted again. On the seed-1 benchmark cohort: 4 more lesions of
  /// 5–10 mm (430 → 434 of 467) and 1 of 10–20 mm, one lesion of ≥ 20 mm merged with a
  /// neighbour (1591 → 1590), 7 more false positives, 79 fewer split fragments (185 → 106),
  /// Dice 0.917 → 0.944; on seed 2 (60 studies, not tuned on), as many of 5–10 mm (2 found,
  /// 2 lost), 1 of 10–20 mm lost, 6 fewer false positives and 15 fewer split fragments.
  public var t2LevelCap = 0.16
  /// The least brightness `t2LevelCap`'s exclusion takes (default 0.10). Where the first
  /// level lags a steep coil field, whole areas of parenchyma read 0.06–0.07 brighter on T2;
  /// left out, they pull the new level lower still, and the joint scores there turn into
  /// dozens of false positives (seed-1 cohort without a floor: 115 instead of 40).
  public var t2LevelFloor = 0.10
  /// With a T2 image, voxels whose T2 score and T1 score (each its share of its own seed
  /// level) have a geometric mean over this level seed lesions too (default 0.5; 0 = off),
  /// where no single image seeds one (lesions one image shows keep that image's extent).
  /// Small lesions lose most of their contrast to partial volume and smoothing, in each
  /// image; vessels are dark on T2 and noise is independent between images, so evidence in
  /// both at half strength is as clear as one image at full strength.
  public var jointLevel = 0.5
  /// Smoothing of the maps the joint score reads, σ in mm (default 1; 0 = the others'
  /// smoothing). A lesion of 5 mm keeps more of its contrast under a narrower kernel, and the
  /// noise this lets through is independent between T1 and T2, so their joint score stays
  /// quiet (on the seed-1 phantoms: 6 more lesions of 5–10 mm per 30 studies than at 2 mm, no
  /// more false positives).
  public var jointSmoothingSigmaMM = 1.0
  /// The local parenchyma level is a weighted local plane rather than a weighted mean
  /// (default true): at the capsule a mean's window lies inward, and a coil field's gradient
  /// then makes the liver's edge look darker than it is.
  public var firstOrderLevel = true
  /// Passes that take the voxels the level shows as obviously dark (and a voxel around them)
  /// out of the parenchyma the level is fitted to (default 2; 1 = the single pass of versions
  /// before it). A lesion much wider than the level's window is its own background at first,
  /// and only a band along its rim looks dark; each pass takes that band away, so the level
  /// inside comes from the liver further out and the band moves inward. Passes stop once one
  /// removes under a thousandth of the liver. On the benchmark cohort passes beyond the second
  /// changed five of 3139 lesions and cost a tenth of a second each.
  public var exclusionPasses = 2
  /// The exclusion passes take a voxel for obviously dark where its smoothed darkness is over
  /// 3 robust SDs of the first level's, or over this cap where that is higher (default 0.16).
  /// Where wide lesions fill much of the liver, the first level bends around them and the
  /// spread of darkness grows with them, so without a cap nothing would count as obviously
  /// dark. Older versions capped at twice `minimumContrast` (0.20): in a crowded liver, small
  /// lesions 16–20 % darker stayed in the level and pulled it down around their neighbours.
  /// On the seed-1 benchmark cohort the cap of 0.16 found 4 more lesions of 5–10 mm and 1
  /// under 5 mm and lost none, with the same false positives, 6 fewer split fragments, Dice
  /// 0.908 → 0.917 and burden bias −1.99 → −1.71 points; on 60 studies of seed 2, not tuned
  /// on: no lesion changed, 1 false positive fewer, 5 more split fragments, Dice 0.927 → 0.930.
  /// Caps of 0.14, 0.15 and 0.17 found 4 each (0.14 lost a 23 mm lesion), 0.12 found 3 and
  /// lost one.
  public var obviousDarknessCap = 0.16
  /// Each exclusion pass also leaves out of the level's parenchyma the voxels whose unsmoothed
  /// native or venous ratio to the level lies further from the parenchyma's median than this
  /// many robust SDs (0 = off, the default). In a liver crowded with lesions too small or faint
  /// to look obviously dark once smoothed, they pull the level down by several per cent (a
  /// 40 %-burden phantom: 7 %), hiding the small lesions among them and shrinking the large
  /// ones. With it on, the obviously-dark thresholds follow the parenchyma's median darkness
  /// from pass to pass, as the level moves. At 3 it improves burden and Dice on the phantom
  /// benchmark but adds false positives at lower k (see the README), so it is not the default.
  public var outlierExclusionZ = 0.0
  /// Layers a region may be trimmed by to where its score is half its own level
  /// (`HalfContrastEdges`; default 2, 0 = off).
  public var halfContrastLayers = 2
  /// Darkness in the motion-corrected arterial phase counts as T1 evidence in the joint
  /// scores, off vessels as native darkness does (default true). A third of NET metastases
  /// enhance less than the liver in the arterial phase, where the liver is brighter than
  /// natively against the same scanner noise. It seeds nothing alone: on the benchmark cohort
  /// that found 3 more lesions of 5–10 mm for 55 more false positives.
  public var arterialDarkness = true
  /// With a T2 image, voxels whose fused score (`HypointenseMaps.fuse`: robust z-scores of T2
  /// brightness and of native and arterial darkness, summed and divided by the root of their
  /// number) is over this level seed lesions too (default 3; 0 = off), where no single image
  /// seeds one. On the seed-1 benchmark cohort, with arterial darkness: 27 more lesions of
  /// 5–10 mm (298 → 325 of 467), 5 more of the others, 2 more false positives in 100 studies,
  /// 14 fewer split fragments (arterial darkness in the geometric mean alone: 2 more of 5–10 mm).
  public var fusedLevel = 3.0
  /// With a T2 image, T2 brightness over this many robust SDs of the parenchyma's rules out a
  /// vessel in the joint and fused scores (default 3; 0 = off): vessels are dark on T2 (flow
  /// voids), while a lesion that enhances more than the liver in the portal venous phase (a
  /// quarter of NET metastases) looks like a vessel on T1 alone. On the seed-1 benchmark
  /// cohort, with the joint pass: 39 more lesions of 5–10 mm (358 → 397 of 467), 10 more under
  /// 5 mm, 8 more false positives in 100 studies, 18 fewer split fragments.
  public var t2NotVesselZ = 3.0
  /// The joint and fused scores find lesions in a pass of their own (markers, watershed,
  /// minimum size and trim over the better of the plain and joint scores), kept where they
  /// are clear of the plain pass's regions (a voxel apart) and lie in an area over the joint
  /// threshold of at most this many voxels (default 5000; 0 = the joint score joins the plain
  /// one only in areas where no plain voxel passes, as before). A small lesion often tips one
  /// image over its seed level in a voxel or two, too few to keep, and that used to veto the
  /// joint score there; inside a wide T2-bright lesion the joint score's noise makes many
  /// cores, so wide areas are left to the plain pass. On the seed-1 benchmark cohort, with the
  /// T2 vessel rule: 42 more lesions of 5–10 mm (355 → 397 of 467), 4 more under 5 mm and 4 of
  /// 10–20 mm, 12 more false positives in 100 studies, 8 more split fragments.
  public var jointAreaLimitVoxels = 5000
  /// In an area over `jointAreaLimitVoxels`, the joint pass's lesions that no plain lesion
  /// comes within a voxel of are kept when the area holds at most this many of them (default
  /// 2; 0 = none kept, as before). A small lesion beside a wide one shares its area over the
  /// joint threshold (T2's 6 mm slices blur them together) and is one or two such lesions
  /// there; the noise inside a wide T2-bright lesion makes dozens. On the seed-1 benchmark
  /// cohort: 5 more lesions of 5–10 mm and 1 under 5 mm for 1 more false positive and 9 more
  /// split fragments; on 60 studies of seed 2, not tuned on: 4 more of 5–10 mm and 1 of
  /// 10–20 mm, no more false positives, 1 more split fragment (at no limit, a 100 mm T2-bright
  /// lesion came apart into 57 fragments). Raised from 2 to 4 with T2's own level
  /// (`t2LevelCap`), whose brighter scores join small lesions' areas into wide ones: on seed 2,
  /// 2 more lesions of 5–10 mm and 1 more split fragment (two 5.5–6.6 mm lesions sharing an
  /// area with two others); on seed 1 the same at 2, 4 and 8.
  public var jointWideAreaLesions = 4
  /// A joint-pass lesion that a plain lesion comes within a voxel of is still kept, without
  /// its voxels that near (so that labelling keeps the two apart), when at least this share
  /// of its voxels, and at least `jointApartVoxels`, lie farther (default 0.6; 0 = never, as
  /// before). A small lesion beside a larger one often grazes it at one point, while a joint
  /// lesion that is the rim of a plain one hugs it. On the seed-1 benchmark cohort: 1 more
  /// lesion of 5–10 mm (8.1 mm, 83 of its joint lesion's 89 voxels apart), nothing else
  /// changed; on seed 2, not tuned on: 1 more of 5–10 mm and 1 of 10–20 mm, 3 more split
  /// fragments, no more false positives (a share of 0.5 from 6 voxels found one more of seed 1
  /// for 10 more fragments there, and 1 more false positive on seed 2). Lowered from 0.7 to
  /// 0.6 with T2's own level (`t2LevelCap`): 1 more lesion of 5–10 mm on seed 1 (6.5 mm,
  /// beside a 59 mm lesion: 23 of its joint lesion's 34 voxels apart) for 1 more split
  /// fragment; the same at 0.65, and 2 more false positives at 0.5; seed 2 unchanged.
  public var jointApartShare = 0.6
  /// A plain-pass region that holds two or more joint-pass lesions of at least this many
  /// voxels, each at least 90 % inside it, is replaced by them (default 400; 0 = never, as
  /// before). Two touching T2-bright lesions make one plain region when the saddle between
  /// them stays over the core level; the joint score, at σ 1 mm instead of 2, parts them, and
  /// its lesions hold far more than the specks of noise inside a wide lesion. On the seed-1
  /// benchmark cohort: 1 more lesion of ≥ 20 mm (29 mm, 1931 joint voxels, merged with a
  /// 45 mm neighbour: 1590 → 1591 of 1591) for 2 more split fragments; at 200 and 100
  /// voxels, 4 and 8 more fragments; on seed 2 nothing changed.
  public var jointSplitVoxels = 400
  /// The fewest voxels of a joint-pass lesion that must lie apart for `jointApartShare`
  /// (default 8).
  public var jointApartVoxels = 8
  /// A lesion core (`coreFactor`) holding two or more peaks, each rising at least this factor
  /// over the level where they part and holding `coreSplitVoxels` voxels there, is split into
  /// one marker per peak (`MarkerWatershed.splitPeaks`; default 1.25, 0 = off). A small lesion
  /// beside a larger one shares its core once partial volume and T2's 6 mm slices join them,
  /// and the watershed then gave both one basin. On the seed-1 benchmark cohort: 5 more
  /// lesions of 5–10 mm, 2 of 10–20 mm, 4 of ≥ 20 mm (merged 4 → 1), 1 fewer under 5 mm, no
  /// more false positives, 6 more split fragments; on 60 studies of seed 2, not tuned on: 5
  /// more of 5–10 mm, 2 of 10–20 mm, 4 of ≥ 20 mm, 2 more false positives (split in the joint
  /// pass alone, steps of 1.15 and 1.5 found fewer than 1.25; parts of 2 or 5 voxels the same
  /// within one lesion).
  public var coreSplitRatio = 1.25
  /// The fewest voxels each peak holds at the level where it parts from the other, for
  /// `coreSplitRatio` (default 3; under 1 counts as 1).
  public var coreSplitVoxels = 3
  /// The channel's regions are kept apart from an enhancing focus of the arterial channel
  /// (`ChannelBoundary`) when at most this share of the region's surface touches it (default
  /// 0.15; 0 = off, regions and foci joined wherever they touch, as before): a dark lesion
  /// beside an enhancing one is then a lesion of its own, not part of its neighbour. A core
  /// in an enhancing rim touches it all round and stays with it. On the seed-1 benchmark
  /// cohort: 8 more lesions of 10–20 mm (750 → 758 of 769, merged 10 → 3), 2 of ≥ 20 mm and
  /// 2 of 5–10 mm, 2 more false positives in 100 studies, 16 more split fragments.
  public var neighbourContact = 0.15
  /// Foci of fewer voxels than this do not count as neighbours (default 20): specks of
  /// enhancement at a dark lesion's edge stay with it (at 1, a 115 mm lesion kept six of them
  /// as fragments).
  public var neighbourFocusVoxels = 20
  /// With a venous and a T2 image, a region of the channel whose median venous-phase ratio to
  /// the local parenchyma is at least this (default 1.0; 0 = off) and whose median T2 ratio
  /// is at most `vesselRegionT2Ratio` is a vessel and dropped: portal and hepatic veins are
  /// dark natively, as bright as the liver or brighter in the venous phase and dark on T2
  /// (flow voids), while NET metastases are T2-bright and mostly darker than the liver in the
  /// venous phase. The voxel-wise vessel test reads smoothed maps, so a vein's segment a few
  /// voxels wide slips through it; its median over the whole region does not.
  public var vesselRegionVenousRatio = 1.0
  /// The T2 side of the region vessel test (default 0.85): at most this ratio to the local
  /// parenchyma on T2.
  public var vesselRegionT2Ratio = 0.85
  /// Regions of more voxels than this are never taken for veins (default 1000, about 7 ml at
  /// 1.4 × 1.4 × 3.5 mm): the veins the region test catches are segments a few voxels wide,
  /// while a rare T2-dark metastasis as bright as the liver in the venous phase can be large
  /// (on the seed-1 benchmark cohort one of 45 mm, venous ratio 1.03, T2 0.67, was lost
  /// without this bound; the vein regions dropped held at most 469 voxels).
  public var vesselRegionMaximumVoxels = 1000
  /// A region as thick as a lesion (`vesselRegionLesionRadiusMM`) is not taken for a vein
  /// by the region test when its venous excess (median venous ratio − 1) is under this share
  /// of its T2 deficit (1 − median T2 ratio) (default 0.15; 0 = off). A vein's blood is
  /// far brighter in the venous phase than it is dark on T2 (in the phantom, ratios of about
  /// 1.4 and 0.35): partial volume dilutes both alike, so a vein's excess stays at about
  /// 0.6 of its deficit, while a T2-dark metastasis can be iso in the venous phase. On the
  /// seed-1 benchmark cohort: 1 more lesion of ≥ 20 mm (25.7 mm, venous ratio 1.04, T2 0.64;
  /// 1590 → 1591 of 1591), no more false positives (the same at shares 0.15–0.25 and radii
  /// 3–4 mm; at 0.15 without the thickness bound, 12 more, thin veins); on seed 2 nothing
  /// changed.
  public var vesselRegionVenousShare = 0.15
  /// The thickness from which `vesselRegionVenousShare` applies, as the radius of a tube of
  /// the region's volume and length (the diagonal of its bounding box), in mm (default 3.5):
  /// the vein segments the region test drops are thin (tube radii up to about 3 mm).
  public var vesselRegionLesionRadiusMM = 3.5
  /// The region vein test also runs on the arterial channel's foci that are not brighter than
  /// the liver around them in the arterial phase (median ratio under 1; default true): a vein
  /// is so dark natively that its subtraction can pass the threshold while it stays darker
  /// than the liver in the arterial phase, and a few of its voxels become a focus. It reads
  /// the arterial ratio the joint scores use, so it needs `arterialDarkness` and a joint or
  /// fused score.
  public var vesselRegionArterialFoci = true
  /// A region with at least this share of its voxels in the band along the capsule (within
  /// `capsuleMarginVoxels` of the mask's edge) is partial volume and dropped (default 0.9;
  /// 0 = off). Where the liver's surface runs nearly along the slices, at its dome and tip,
  /// edge voxels share a 3.5 mm slice with the dark tissue outside over a wide area: a thin
  /// dark sheet whose seeds just reach inside the margin.
  public var capsuleBandShare = 0.9
  /// With an ADC map, parts of the liver darker on it than the parenchyma (restricted
  /// diffusion: the phantom's and SPEC §7's lesions have a median ADC about three quarters of
  /// the liver's) that nothing else scores seed on that darkness (default true). ADC is a
  /// physical quantity without a coil field, so its level is the parenchyma's median; its
  /// coarse grid (2.8 × 2.8 × 6 mm on the phantoms) blurs small lesions away, so it adds the
  /// larger lesions no T1 phase or T2 shows. Seed-1 benchmark cohort: see the README.
  public var adcDarkness = true
  /// Gaussian smoothing of the ADC darkness inside the liver, σ in mm (default 2; seed-1
  /// benchmark cohort: at 2.5 one lesion of 10.6 mm fewer and 2 more split fragments, at 3.5
  /// two of 13–14 mm fewer; seed 2: at 2.5, 3 more false positives).
  public var adcSmoothingSigmaMM = 2.0
  /// ADC seeds at least this much darker than the parenchyma's median (default 0.15); the
  /// seed level is also at least median + k·1.4826·MAD of the darkness in the parenchyma.
  public var minimumADCContrast = 0.15
  /// The quantile of a region's score taken as its level for the trim: lower than for
  /// enhancing foci, as a large dark lesion's darkest voxels are often its avascular core or
  /// fluid, darker than the solid part whose edge is sought (on 30 phantom studies: 0.75 made
  /// the burden 0.8 points too low in the median, 0.6 0.3, 0.5 0.1 but diameters 0.3 mm wider).
  static let trimQuantile = 0.6

  public init() {}

  // Every field a file lacks takes its default (files of older versions read back), except the
  // joint score, which older versions did not have.
  private enum CodingKeys: String, CodingKey {
    case k, growFraction, smoothingSigmaMM, backgroundSigmaMM, vesselVenousExcess, vesselVenousRatio, capsuleMarginVoxels, t2LevelCap, t2LevelFloor
    case minimumVoxels, minimumContrast, markersWithoutCore, coreFactor, minimumT2Contrast, jointLevel, jointSmoothingSigmaMM, firstOrderLevel
    case exclusionPasses, obviousDarknessCap, outlierExclusionZ, halfContrastLayers, arterialDarkness, fusedLevel, t2NotVesselZ, jointAreaLimitVoxels, jointWideAreaLesions, coreSplitRatio, coreSplitVoxels
    case jointApartShare, jointApartVoxels, jointSplitVoxels
    case neighbourContact, neighbourFocusVoxels, vesselRegionVenousRatio, vesselRegionT2Ratio, vesselRegionMaximumVoxels, capsuleBandShare, vesselRegionArterialFoci,
      vesselRegionVenousShare, vesselRegionLesionRadiusMM
    case smallRegionVoxels, smallRegionMeanScore, smallRegionRawContrast, rawContrastVoxels, vesselMaximumRadiusMM, venousBrightWide, adcDarkness, adcSmoothingSigmaMM, minimumADCContrast
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = HypointenseChannel()
    k = try c.decodeIfPresent(Double.self, forKey: .k) ?? d.k
    growFraction = try c.decodeIfPresent(Double.self, forKey: .growFraction) ?? d.growFraction
    smoothingSigmaMM = try c.decodeIfPresent(Double.self, forKey: .smoothingSigmaMM) ?? d.smoothingSigmaMM
    backgroundSigmaMM = try c.decodeIfPresent(Double.self, forKey: .backgroundSigmaMM) ?? d.backgroundSigmaMM
    vesselVenousExcess = try c.decodeIfPresent(Double.self, forKey: .vesselVenousExcess) ?? d.vesselVenousExcess
    vesselVenousRatio = try c.decodeIfPresent(Double.self, forKey: .vesselVenousRatio) ?? d.vesselVenousRatio
    capsuleMarginVoxels = try c.decodeIfPresent([Int].self, forKey: .capsuleMarginVoxels) ?? d.capsuleMarginVoxels
    guard capsuleMarginVoxels.count == 3, capsuleMarginVoxels.allSatisfy({ $0 >= 0 }) else {
      throw DecodingError.dataCorruptedError(forKey: .capsuleMarginVoxels, in: c, debugDescription: "three voxel counts, none negative")
    }
    minimumVoxels = try c.decodeIfPresent(Int.self, forKey: .minimumVoxels) ?? d.minimumVoxels
    minimumContrast = try c.decodeIfPresent(Double.self, forKey: .minimumContrast) ?? d.minimumContrast
    markersWithoutCore = try c.decodeIfPresent(Bool.self, forKey: .markersWithoutCore) ?? d.markersWithoutCore
    coreFactor = try c.decodeIfPresent(Double.self, forKey: .coreFactor) ?? d.coreFactor
    minimumT2Contrast = try c.decodeIfPresent(Double.self, forKey: .minimumT2Contrast) ?? d.minimumT2Contrast
    // Absent means off: older files read T2 against the T1 phases' reference.
    t2LevelCap = try c.decodeIfPresent(Double.self, forKey: .t2LevelCap) ?? 0
    t2LevelFloor = try c.decodeIfPresent(Double.self, forKey: .t2LevelFloor) ?? d.t2LevelFloor
    // Absent means off: files without it were written before the joint score existed, and
    // reading them back (resume, evaluate's threshold sweep) must redo what they did.
    jointLevel = try c.decodeIfPresent(Double.self, forKey: .jointLevel) ?? 0
    jointSmoothingSigmaMM = try c.decodeIfPresent(Double.self, forKey: .jointSmoothingSigmaMM) ?? d.jointSmoothingSigmaMM
    // Absent means the mean of older versions.
    firstOrderLevel = try c.decodeIfPresent(Bool.self, forKey: .firstOrderLevel) ?? false
    exclusionPasses = try c.decodeIfPresent(Int.self, forKey: .exclusionPasses) ?? 1
    // Absent means the cap of older versions, twice the contrast floor.
    obviousDarknessCap = try c.decodeIfPresent(Double.self, forKey: .obviousDarknessCap) ?? 2 * minimumContrast
    // Absent means off: older files fitted the level to every voxel not obviously dark.
    outlierExclusionZ = try c.decodeIfPresent(Double.self, forKey: .outlierExclusionZ) ?? 0
    halfContrastLayers = try c.decodeIfPresent(Int.self, forKey: .halfContrastLayers) ?? 0
    arterialDarkness = try c.decodeIfPresent(Bool.self, forKey: .arterialDarkness) ?? false
    fusedLevel = try c.decodeIfPresent(Double.self, forKey: .fusedLevel) ?? 0
    t2NotVesselZ = try c.decodeIfPresent(Double.self, forKey: .t2NotVesselZ) ?? 0
    // Absent means off: older files joined regions and foci wherever they touched.
    neighbourContact = try c.decodeIfPresent(Double.self, forKey: .neighbourContact) ?? 0
    neighbourFocusVoxels = try c.decodeIfPresent(Int.self, forKey: .neighbourFocusVoxels) ?? d.neighbourFocusVoxels
    jointAreaLimitVoxels = try c.decodeIfPresent(Int.self, forKey: .jointAreaLimitVoxels) ?? 0
    // Absent means none: older files left wide areas to the plain pass.
    jointWideAreaLesions = try c.decodeIfPresent(Int.self, forKey: .jointWideAreaLesions) ?? 0
    // Absent means never: older files dropped every joint lesion a plain one came near.
    jointApartShare = try c.decodeIfPresent(Double.self, forKey: .jointApartShare) ?? 0
    // Absent means never: older files kept a plain region whole.
    jointSplitVoxels = try c.decodeIfPresent(Int.self, forKey: .jointSplitVoxels) ?? 0
    jointApartVoxels = try c.decodeIfPresent(Int.self, forKey: .jointApartVoxels) ?? d.jointApartVoxels
    // Absent means off: older files kept each core whole.
    coreSplitRatio = try c.decodeIfPresent(Double.self, forKey: .coreSplitRatio) ?? 0
    coreSplitVoxels = try c.decodeIfPresent(Int.self, forKey: .coreSplitVoxels) ?? d.coreSplitVoxels
    // Absent means off: older files kept vein-like regions.
    vesselRegionVenousRatio = try c.decodeIfPresent(Double.self, forKey: .vesselRegionVenousRatio) ?? 0
    vesselRegionT2Ratio = try c.decodeIfPresent(Double.self, forKey: .vesselRegionT2Ratio) ?? d.vesselRegionT2Ratio
    vesselRegionMaximumVoxels = try c.decodeIfPresent(Int.self, forKey: .vesselRegionMaximumVoxels) ?? d.vesselRegionMaximumVoxels
    // Absent means off: older files took every region the test matched for a vein.
    vesselRegionVenousShare = try c.decodeIfPresent(Double.self, forKey: .vesselRegionVenousShare) ?? 0
    vesselRegionLesionRadiusMM = try c.decodeIfPresent(Double.self, forKey: .vesselRegionLesionRadiusMM) ?? d.vesselRegionLesionRadiusMM
    vesselRegionArterialFoci = try c.decodeIfPresent(Bool.self, forKey: .vesselRegionArterialFoci) ?? false
    // Absent means off: older files kept sheets along the capsule.
    capsuleBandShare = try c.decodeIfPresent(Double.self, forKey: .capsuleBandShare) ?? 0
    // Absent means off: older files kept no region under `minimumVoxels`.
    smallRegionVoxels = try c.decodeIfPresent(Int.self, forKey: .smallRegionVoxels) ?? 0
    smallRegionMeanScore = try c.decodeIfPresent(Double.self, forKey: .smallRegionMeanScore) ?? d.smallRegionMeanScore
    // Absent means off: older files kept small regions on their score alone.
    smallRegionRawContrast = try c.decodeIfPresent(Double.self, forKey: .smallRegionRawContrast) ?? 0
    rawContrastVoxels = try c.decodeIfPresent(Int.self, forKey: .rawContrastVoxels) ?? d.rawContrastVoxels
    // Absent means off: older files took every native-dark voxel bright in the venous phase
    // for a vessel.
    vesselMaximumRadiusMM = try c.decodeIfPresent(Double.self, forKey: .vesselMaximumRadiusMM) ?? 0
    venousBrightWide = try c.decodeIfPresent(Bool.self, forKey: .venousBrightWide) ?? false
    // Absent means off: older files did not read the ADC map.
    adcDarkness = try c.decodeIfPresent(Bool.self, forKey: .adcDarkness) ?? false
    adcSmoothingSigmaMM = try c.decodeIfPresent(Double.self, forKey: .adcSmoothingSigmaMM) ?? d.adcSmoothingSigmaMM
    minimumADCContrast = try c.decodeIfPresent(Double.self, forKey: .minimumADCContrast) ?? d.minimumADCContrast
  }
}

/// The channel's darkness maps over the liver's box, computed once per study; `candidates`
/// thresholds them for any k.
struct HypointenseMaps: Sendable {
  let settings: HypointenseChannel
  /// The box in the full grid.
  let lower: SIMD3<Int>
  let dims: SIMD3<Int>
  /// The voxel spacing of the box (that of the native phase), in mm.
  let spacingMM: SIMD3<Double>
  let liver: [UInt8]
  let inner: [UInt8]
  /// 1 − native and 1 − venous over their local parenchyma level, smoothed in the liver.
  let nativeDarkness: [Float]
  let venousDarkness: [Float]
  let nativeStatistics: RobustStatistics
  let venousStatistics: RobustStatistics
  /// T2 over its local parenchyma level − 1 (brightness), smoothed in the liver, when a T2
  /// image is given (sampled at the native voxel centres through world coordinates).
  let t2Brightness: [Float]?
  let t2Statistics: RobustStatistics?
  /// The maps the joint scores read, with a T2 image and a joint score on (the maps above when
  /// the joint smoothing is theirs).
  let joint: JointMaps?
  /// The venous phase and T2 over their local parenchyma level, unsmoothed (T2 nil without
  /// one), for the region vessel test.
  let venousRatio: [Float]
  let t2Ratio: [Float]?
  /// The corrected arterial phase over its local level, unsmoothed, when the joint scores
  /// read it (nil otherwise).
  let arterialRatio: [Float]?
  /// 1 where native darkness lies in a part too wide for a vessel
  /// (`HypointenseChannel.vesselMaximumRadiusMM`); nil with the rule off or no such part.
  let tooWideForVessel: [UInt8]?
  /// Arterial-phase darkness (smoothed as the native one), the parenchyma's statistics of it,
  /// and the parts of the liver darker than the contrast floor there that are too wide for a
  /// vessel (nil when there is none); nil with the width rule off or without the arterial ratio.
  let arterialWide: (darkness: [Float], statistics: RobustStatistics, parts: Regions?)?
  /// The parts too wide for a vessel of venous brightness (−`venousDarkness`), each part's
  /// voxels `voxels[start[c]..<start[c + 1]]` (only the lists are kept: the box-sized labels
  /// would cost memory for a handful of parts), with the brightness's statistics in the
  /// parenchyma (nil with the rule off or no such part).
  let venousWide: (statistics: RobustStatistics, start: [Int], voxels: [Int])?
  /// 1 − ADC over the parenchyma's median ADC, smoothed in the liver (sampled through world
  /// coordinates), with its statistics in the parenchyma, and 0 within half an ADC voxel and
  /// the smoothing's σ of the capsule; nil without an ADC map or with `adcDarkness` off. Kept
  /// in half precision (about 4 significant digits, far finer than its noise): it lives
  /// through the thresholds, where a study's memory peaks.
  let adcDarkness: (darkness: [Float16], statistics: RobustStatistics)?
  /// The unsmoothed native darkness (1 − native over the final level) in steps of
  /// 1/`rawDarknessSteps`, clamped to 0…255 steps, for the small regions' raw-contrast rule
  /// (nil with it off). One byte a voxel: it lives through the thresholds, where a study's
  /// memory peaks.
  let rawNativeDarkness: [UInt8]?
  static let rawDarknessSteps: Float = 250

  /// Native and venous darkness, T2 brightness and arterial darkness (with `arterialDarkness`)
  /// at the joint scores' smoothing, with the parenchyma's statistics of each.
  struct JointMaps: Sendable {
    let nativeDarkness: [Float], venousDarkness: [Float], t2Brightness: [Float]
    let nativeStatistics: RobustStatistics, venousStatistics: RobustStatistics, t2Statistics: RobustStatistics
    let arterialDarkness: [Float]?, arterialStatistics: RobustStatistics?
  }

  /// - Parameters:
  ///   - arterialCandidates: voxels the arterial channel already claims (full grid), left out
  ///     of the parenchyma reference.
  ///   - arterialMinusNative: the corrected arterial phase minus the native one, unsmoothed
  ///     (full grid); the arterial phase is that plus the native phase.
  init?(
    native: Volume<Float>, venous: Volume<Float>, t2: Volume<Float>? = nil, adc: Volume<Float>? = nil, liverMask: Volume<UInt8>,
    arterialCandidates: [UInt8], arterialMinusNative: Volume<Float>? = nil, settings: HypointenseChannel
  ) {
    var clock = StageClock.start()
    guard let bounds = liverMask.nonZeroBounds() else { return nil }
    self.settings = settings
    spacingMM = native.grid.spacingMM
    lower = bounds.lower
    dims = bounds.upper &- bounds.lower &+ 1
    let grid = Grid(dims: dims, spacingMM: native.grid.spacingMM)
    let box = VoxelBox(lower: bounds.lower, upper: bounds.upper, dims: native.grid.dims)
    let (lo, d) = (lower, dims)
    let liver = box.crop(liverMask.voxels)
    let nativeBox = box.crop(native.voxels), venousBox = box.crop(venous.voxels)
    let claimed = box.crop(arterialCandidates)
    let inner = Morphology.erode(liver, dims: d, radius: SIMD3(settings.capsuleMarginVoxels[0], settings.capsuleMarginVoxels[1], settings.capsuleMarginVoxels[2]))
    let liverWeight = Volume(grid: grid, voxels: liver.map { Float($0 != 0 ? 1 : 0) })
    var liverSmooth: [Double: [Float]] = [:]

    /// Each image over the local level of the parenchyma (`background`), inside the liver.
    func ratios(_ images: [[Float]], _ background: LocalLevel) -> [[Float]] {
      let clock = StageClock.start()
      defer { StageClock.record("hypointense.ratio", since: clock) }
      return background.ratios(of: images, inside: liver)
    }
    /// Darkness (1 − ratio) smoothed inside the liver with σ `sigmaMM`.
    func darkness(ratio: [Float], sigmaMM: Double = settings.smoothingSigmaMM) -> [Float] {
      let clock = StageClock.start()
      defer { StageClock.record("hypointense.darkness", since: clock) }
      let smooth = GaussianSmoothing.smooth(Volume(grid: grid, voxels: ratio), sigmaMM: sigmaMM).voxels
      if liverSmooth[sigmaMM] == nil { liverSmooth[sigmaMM] = GaussianSmoothing.smooth(liverWeight, sigmaMM: sigmaMM).voxels }
      let weight = liverSmooth[sigmaMM]!
      return ParallelSlabs.array(count: ratio.count) { range, out in
        smooth.withUnsafeBufferPointer { smooth in
          weight.withUnsafeBufferPointer { weight in
            liver.withUnsafeBufferPointer { liver in
              for (o, n) in range.enumerated() {
                out[o] = liver[n] == 0 ? 0 : 1 - smooth[n] / max(weight[n], 1e-3)
              }
            }
          }
        }
      }
    }
    func statistics(_ values: [Float], within mask: [UInt8]) -> RobustStatistics? {
      RobustStatistics(of: Volume(grid: grid, voxels: values), within: Volume(grid: grid, voxels: mask))
    }
    /// The parts of the liver darker than the contrast floor on `darkness` (or, `brighter`,
    /// brighter by it) that a ball of the widest vessel's radius fits in (nil with the rule off
    /// or none).
    func wideDarkParts(_ darkness: [Float], brighter: Bool = false) -> [UInt8]? {
      guard settings.vesselMaximumRadiusMM > 0 else { return nil }
      let floor = Float(settings.minimumContrast)
      let sign: Float = brighter ? -1 : 1
      let dark = [UInt8](unsafeUninitializedCapacity: liver.count) { out, initialized in
        liver.withUnsafeBufferPointer { liver in
          darkness.withUnsafeBufferPointer { darkness in
            for n in 0..<liver.count { out[n] = liver[n] != 0 && sign * darkness[n] > floor ? 1 : 0 }
          }
        }
        initialized = liver.count
      }
      let parts = DistanceTransform.opening(Volume(grid: grid, voxels: dark), radiusMM: settings.vesselMaximumRadiusMM)
      return parts.contains(1) ? parts : nil
    }
    /// The wide parts of native darkness (`wideDarkParts`), each connected part kept when the
    /// voxel-wise test takes at least half of it for vessels (nil with the rule off or none).
    /// Only there does that test fail; in a wide part mostly off vessels (an ordinary dark
    /// lesion), the few voxels it calls vessels are partial volume with veins passing by, and
    /// stay vessels. Given `t2Brightness`, parts T2 shows clearly (median brightness over the
    /// T2 contrast floor) are left to it: native darkness would add nothing there but a reach
    /// into dark neighbours, which then merge with them.
    func tooWide(native: [Float], venous: [Float], t2Brightness: [Float]? = nil) -> [UInt8]? {
      guard settings.vesselMaximumRadiusMM > 0 else { return nil }
      let clock = StageClock.start()
      defer { StageClock.record("hypointense.tooWide", since: clock) }
      guard let parts = wideDarkParts(native) else { return nil }
      let found = Regions(parts, dims: d)
      let brightness = t2Brightness.map { found.medians(of: $0) }
      let (vessel, excess) = (Float(1 - settings.vesselVenousRatio), Float(settings.vesselVenousExcess))
      // Flagged for removal: index = part id (0, no part, never).
      var dropped = [Bool](repeating: false, count: found.labels.count + 1)
      native.withUnsafeBufferPointer { native in
        venous.withUnsafeBufferPointer { venous in
          for c in 0..<found.labels.count {
            let range = found.start[c]..<found.start[c + 1]
            var vesselLike = 0
            for n in found.voxels[range] where !Self.offVessel(dark: native[n], venous: venous[n], vesselRatio: vessel, excess: excess) {
              vesselLike += 1
            }
            let shownOnT2 = brightness.map { $0[c] > Float(settings.minimumT2Contrast) } ?? false
            dropped[c + 1] = 2 * vesselLike < range.count || shownOnT2
          }
        }
      }
      guard dropped.dropFirst().contains(false) else { return nil }
      return found.removing(dropped, from: parts)
    }

    StageClock.record("hypointense.crop", since: clock)
    clock = StageClock.start()
    // First pass: parenchyma = liver outside arterial candidates and a margin around them.
    let claimedWide = Morphology.dilate(claimed, dims: d, radius: SIMD3(2, 2, 1))
    var reference = (0..<liver.count).map { liver[$0] != 0 && claimedWide[$0] == 0 ? Float(1) : 0 }
    var background = LocalLevel(weight: reference, grid: grid, sigmaMM: settings.backgroundSigmaMM, firstOrder: settings.firstOrderLevel)
    var pair = ratios([nativeBox, venousBox], background)
    var (nativeRatio, venousRatio) = (pair[0], pair[1])
    var dn = darkness(ratio: nativeRatio), dv = darkness(ratio: venousRatio)
    guard let first = statistics(dn, within: inner), let firstVenous = statistics(dv, within: inner) else { return nil }
    // Native-dark parts too wide for a vessel, on the first level.
    let wide = tooWide(native: dn, venous: dv)
    let vessel = Float(1 - settings.vesselVenousRatio)
    // Capped (`obviousDarknessCap`): where wide lesions fill much of the liver, the first level
    // bends around them and the spread of darkness grows with them.
    let cap = settings.obviousDarknessCap
    let clear = Float(min(first.threshold(k: 3), cap)), clearVenous = Float(min(firstVenous.threshold(k: 3), cap))
    let excess = Float(settings.vesselVenousExcess)
    // Further passes, each without what the last one showed as obviously dark (and a voxel
    // around it): the band along a wide lesion's rim moves inward pass by pass.
    let liverVoxels = liver.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
    StageClock.record("hypointense.firstLevel", since: clock)
    for pass in 0..<max(1, settings.exclusionPasses) {
      clock = StageClock.start()
      defer { StageClock.record("hypointense.pass", since: clock) }
      let current = settings.outlierExclusionZ > 0 ? (0..<liver.count).map { inner[$0] != 0 && reference[$0] != 0 ? UInt8(1) : 0 } : []
      // With outliers left out the level moves between passes, and the darkness of the whole
      // parenchyma with it: the obviously-dark thresholds follow its median, or a level that
      // rose by a few per cent would make the whole liver obviously dark.
      var (clearPass, clearVenousPass) = (clear, clearVenous)
      if !current.isEmpty, let a = statistics(dn, within: current), let b = statistics(dv, within: current) {
        clearPass += Float(a.median - first.median)
        clearVenousPass += Float(b.median - firstVenous.median)
      }
      // Obviously dark: natively off vessels, or in the venous phase (where vessels are bright).
      var obvious = Self.obviouslyDark(
        native: dn, venous: dv, inside: inner, tooWide: wide, clear: clearPass, clearVenous: clearVenousPass, vessel: vessel, excess: excess)
      // Voxels whose unsmoothed ratio is an outlier: lesions too small or faint to look
      // obviously dark once smoothed, which together pull the level of a crowded liver down.
      if !current.isEmpty, let sn = statistics(nativeRatio, within: current), let sv = statistics(venousRatio, within: current) {
        let z = settings.outlierExclusionZ
        let (mn, tn) = (Float(sn.median), Float(z * sn.robustSigma)), (mv, tv) = (Float(sv.median), Float(z * sv.robustSigma))
        for n in 0..<obvious.count where inner[n] != 0 && (abs(nativeRatio[n] - mn) > tn || abs(venousRatio[n] - mv) > tv) {
          obvious[n] = 1
        }
      }
      let excluded = Morphology.dilate(obvious, dims: d, radius: SIMD3(1, 1, 1))
      let removed = Self.removedCount(from: reference, excluded: excluded)
      if pass > 0 && removed * 1000 < liverVoxels { break }
      Self.remove(excluded, from: &reference)
      background = LocalLevel(weight: reference, grid: grid, sigmaMM: settings.backgroundSigmaMM, firstOrder: settings.firstOrderLevel)
      pair = ratios([nativeBox, venousBox], background)
      (nativeRatio, venousRatio) = (pair[0], pair[1])
      dn = darkness(ratio: nativeRatio)
      dv = darkness(ratio: venousRatio)
    }
    clock = StageClock.start()
    let parenchyma = (0..<liver.count).map { inner[$0] != 0 && reference[$0] != 0 ? UInt8(1) : 0 }
    guard let ns = statistics(dn, within: parenchyma), let vs = statistics(dv, within: parenchyma) else { return nil }
    /// An image on any grid at the liver's voxel centres through world coordinates (0
    /// outside the liver and outside the image); nil where its affine cannot be inverted.
    func sampledInLiver(_ image: Volume<Float>) -> [Float]? {
      guard let sampler = WorldSampler(image) else { return nil }
      let toWorld = native.grid.voxelToWorld
      var sampled = [Float](repeating: 0, count: liver.count)
      sampled.withUnsafeMutableBufferPointer { out in
        let target = UncheckedSendable(out)
        let liverBox = liver
        ParallelSlabs.forEach(count: d.z) { k in
          for j in 0..<d.y {
            for i in 0..<d.x where liverBox[i + d.x * (j + d.y * k)] != 0 {
              let p = toWorld.apply(SIMD3(Double(lo.x + i), Double(lo.y + j), Double(lo.z + k)))
              target.value[i + d.x * (j + d.y * k)] = sampler.value(at: p) ?? 0
            }
          }
        }
      }
      return sampled
    }
    // ADC over the parenchyma's median: no coil field, so no local level.
    var adcMap: (darkness: [Float16], statistics: RobustStatistics)?
    if settings.adcDarkness, let adc, var ratio = sampledInLiver(adc) {
      clock = StageClock.start()
      let values = (0..<ratio.count).compactMap { parenchyma[$0] != 0 && ratio[$0].isFinite && ratio[$0] > 0 ? ratio[$0] : nil }
      if let median = RobustStatistics.median(of: values), median > 0 {
        let scale = Float(1 / median)
        for n in ratio.indices { ratio[n] = liver[n] != 0 && ratio[n].isFinite ? ratio[n] * scale : 0 }
        // `darkness(ratio:)`'s arithmetic, written into the liver's smoothed weight instead of
        // a new array, and the weight not kept: one box-sized array fewer where a study's
        // memory peaks (reusing `darkness(ratio:)` raised the cohort's peak RSS by 6–10 MB).
        let sigma = settings.adcSmoothingSigmaMM
        let smooth = GaussianSmoothing.smooth(Volume(grid: grid, voxels: ratio), sigmaMM: sigma).voxels
        var dark = GaussianSmoothing.smooth(liverWeight, sigmaMM: sigma).voxels
        for n in dark.indices { dark[n] = liver[n] == 0 ? 0 : 1 - smooth[n] / max(dark[n], 1e-3) }
        if let stats = statistics(dark, within: parenchyma) {
          // Near the capsule the coarse ADC voxels and the smoothing take in tissue outside
          // the liver, which is darker on ADC: no seed within half an ADC voxel and σ of it.
          let reach = (adc.grid.spacingMM / 2 + settings.adcSmoothingSigmaMM) / native.grid.spacingMM
          let deep = Morphology.erode(liver, dims: d, radius: SIMD3(Int(reach.x.rounded(.up)), Int(reach.y.rounded(.up)), Int(reach.z.rounded(.up))))
          for n in dark.indices where deep[n] == 0 { dark[n] = 0 }
          adcMap = (dark.map { Float16($0) }, stats)
        }
      }
      StageClock.record("hypointense.adc", since: clock)
      clock = StageClock.start()
    }
    // The corrected arterial phase, for the joint scores only.
    var arterialBox: [Float]?
    if settings.arterialDarkness, settings.jointLevel > 0 || settings.fusedLevel > 0, t2 != nil, let arterialMinusNative {
      var sum = box.crop(arterialMinusNative.voxels)
      for n in sum.indices { sum[n] += nativeBox[n] }
      arterialBox = sum
    }
    StageClock.record("hypointense.arterial", since: clock)
    clock = StageClock.start()
    // T2 through world coordinates: brightness is the negative of darkness.
    var t2Box: [Float]?
    if let t2, let sampled = sampledInLiver(t2) {
      t2Box = sampled
      StageClock.record("hypointense.t2.sample", since: clock)
      clock = StageClock.start()
    }
    // Both against the final level in one go.
    let finalRatios = ratios([arterialBox, t2Box].compactMap { $0 }, background)
    let arterialRatio = arterialBox == nil ? nil : finalRatios[0]
    var t2OnLevel = t2Box == nil ? nil : finalRatios.last
    if settings.t2LevelCap > 0, let t2Box, let first = t2OnLevel {
      // T2's own level: the reference without what the first level shows clearly bright.
      let dark = darkness(ratio: first)
      if var brightness = statistics(dark, within: parenchyma) {
        // Brightness is the negative of darkness: its statistics are the darkness's, mirrored.
        brightness.median = -brightness.median
        let limit = Float(max(min(brightness.threshold(k: 3), settings.t2LevelCap), settings.t2LevelFloor))
        let bright = [UInt8](unsafeUninitializedCapacity: liver.count) { out, initialized in
          for n in 0..<liver.count { out[n] = inner[n] != 0 && -dark[n] > limit ? 1 : 0 }
          initialized = liver.count
        }
        var t2Reference = reference
        Self.remove(Morphology.dilate(bright, dims: d, radius: SIMD3(1, 1, 1)), from: &t2Reference)
        let t2Level = LocalLevel(weight: t2Reference, grid: grid, sigmaMM: settings.backgroundSigmaMM, firstOrder: settings.firstOrderLevel)
        t2OnLevel = ratios([t2Box], t2Level)[0]
      }
      StageClock.record("hypointense.t2.level", since: clock)
      clock = StageClock.start()
    }
    var bt: [Float]?
    var ts: RobustStatistics?
    var jointMaps: JointMaps?
    var t2RatioMap: [Float]?
    if let t2Ratio = t2OnLevel {
      t2RatioMap = t2Ratio
      let bright = darkness(ratio: t2Ratio).map { -$0 }
      if let stats = statistics(bright, within: parenchyma) {
        (bt, ts) = (bright, stats)
      }
      StageClock.record("hypointense.t2", since: clock)
      clock = StageClock.start()
      defer { StageClock.record("hypointense.joint", since: clock) }
      if let bt, let ts, settings.jointLevel > 0 || settings.fusedLevel > 0 {
        let sigma = settings.jointSmoothingSigmaMM > 0 ? settings.jointSmoothingSigmaMM : settings.smoothingSigmaMM
        let da = arterialRatio.map { darkness(ratio: $0, sigmaMM: sigma) }
        let daStats = da.flatMap { statistics($0, within: parenchyma) }
        if sigma == settings.smoothingSigmaMM {
          jointMaps = JointMaps(
            nativeDarkness: dn, venousDarkness: dv, t2Brightness: bt, nativeStatistics: ns, venousStatistics: vs, t2Statistics: ts,
            arterialDarkness: daStats == nil ? nil : da, arterialStatistics: daStats)
        } else {
          let fn = darkness(ratio: nativeRatio, sigmaMM: sigma), fv = darkness(ratio: venousRatio, sigmaMM: sigma)
          let ft = darkness(ratio: t2Ratio, sigmaMM: sigma).map { -$0 }
          if let a = statistics(fn, within: parenchyma), let b = statistics(fv, within: parenchyma), let c = statistics(ft, within: parenchyma) {
            jointMaps = JointMaps(
              nativeDarkness: fn, venousDarkness: fv, t2Brightness: ft, nativeStatistics: a, venousStatistics: b, t2Statistics: c,
              arterialDarkness: daStats == nil ? nil : da, arterialStatistics: daStats)
          }
        }
      }
    }
    self.liver = liver
    self.inner = inner
    nativeDarkness = dn
    venousDarkness = dv
    nativeStatistics = ns
    venousStatistics = vs
    t2Brightness = bt
    t2Statistics = ts
    joint = jointMaps
    self.venousRatio = venousRatio
    t2Ratio = t2RatioMap
    self.arterialRatio = arterialRatio
    // The passes read the wide parts of the first level (finding them again in every pass
    // costs more than the rest of a pass); the scores read those of the final one.
    tooWideForVessel = tooWide(native: dn, venous: dv, t2Brightness: bt)
    var arterialParts: (darkness: [Float], statistics: RobustStatistics, parts: Regions?)?
    if settings.vesselMaximumRadiusMM > 0, let arterialRatio {
      let da = darkness(ratio: arterialRatio)
      if let stats = statistics(da, within: parenchyma) {
        arterialParts = (da, stats, wideDarkParts(da).map { Regions($0, dims: d) })
      }
    }
    arterialWide = arterialParts
    var venousParts: (statistics: RobustStatistics, start: [Int], voxels: [Int])?
    if settings.venousBrightWide, let parts = wideDarkParts(dv, brighter: true) {
      // Brightness is the negative of darkness: its statistics are the darkness's, mirrored
      // (no box-sized copy of the map).
      var brightness = vs
      brightness.median = -vs.median
      let found = Regions(parts, dims: d)
      venousParts = (brightness, found.start, found.voxels)
    }
    venousWide = venousParts
    adcDarkness = adcMap
    if settings.smallRegionRawContrast > 0 {
      rawNativeDarkness = [UInt8](unsafeUninitializedCapacity: liver.count) { out, initialized in
        for n in 0..<liver.count {
          out[n] = liver[n] == 0 ? 0 : UInt8(clamping: Int(((1 - nativeRatio[n]) * Self.rawDarknessSteps).rounded()))
        }
        initialized = liver.count
      }
    } else {
      rawNativeDarkness = nil
    }
  }

  /// Calls `body(n, out)` for every liver voxel n (`liver[n] != 0`) in parallel pieces of the
  /// box; `body` may write `out[n]` only, so the result does not depend on the threads.
  static func eachLiverVoxel(
    _ liver: [UInt8], writing array: inout [Float], _ body: @Sendable (Int, UnsafeMutableBufferPointer<Float>) -> Void
  ) {
    let pieces = ParallelSlabs.ranges(total: liver.count, pieces: max(1, min(16, liver.count >> 16)))
    array.withUnsafeMutableBufferPointer { out in
      let target = UncheckedSendable(out)
      ParallelSlabs.forEach(count: pieces.count) { p in
        liver.withUnsafeBufferPointer { liver in
          for n in pieces[p] where liver[n] != 0 { body(n, target.value) }
        }
      }
    }
  }

  /// Per voxel of the joint maps: T2 brightness over `t2NotVesselZ` robust SDs of the
  /// parenchyma's (nil with the rule off).
  func clearlyBright(_ maps: JointMaps) -> [Bool]? {
    guard settings.t2NotVesselZ > 0 else { return nil }
    let median = Float(maps.t2Statistics.median), sigma = Float(max(maps.t2Statistics.robustSigma, 1e-6))
    let z = Float(settings.t2NotVesselZ)
    return maps.t2Brightness.map { ($0 - median) / sigma > z }
  }

  /// Whether a voxel of T1 darkness `dark` (native or arterial) and venous darkness `venous`
  /// is off vessels: vessels are dark on T1 and bright in the venous phase, at least
  /// `vesselRatio` (1 − `vesselVenousRatio`) or by `excess` of their T1 darkness.
  @inline(__always)
  static func offVessel(dark: Float, venous: Float, vesselRatio: Float, excess: Float) -> Bool {
    venous > vesselRatio && -venous < excess * dark
  }

  /// Inside `inside`: native darkness over `clear` off vessels (by the voxel test, or in a
  /// part `tooWide` for a vessel), or venous darkness over `clearVenous` (1 where obviously dark).
  static func obviouslyDark(
    native: [Float], venous: [Float], inside: [UInt8], tooWide: [UInt8]? = nil, clear: Float, clearVenous: Float, vessel: Float,
    excess: Float
  ) -> [UInt8] {
    let wideMask = tooWide ?? []
    return native.withUnsafeBufferPointer { dn in
      venous.withUnsafeBufferPointer { dv in
        inside.withUnsafeBufferPointer { inner in
          wideMask.withUnsafeBufferPointer { wide in
            let shared = UncheckedSendable((dn, dv, inner, wide))
            return ParallelSlabs.array(count: dn.count) { range, out in
              let (dn, dv, inner, wide) = shared.value
              for n in range {
                let off = (!wide.isEmpty && wide[n] != 0) || offVessel(dark: dn[n], venous: dv[n], vesselRatio: vessel, excess: excess)
                let dark = (dn[n] > clear && off) || dv[n] > clearVenous
                out[n - range.lowerBound] = inner[n] != 0 && dark ? 1 : 0
              }
            }
          }
        }
      }
    }
  }

  /// How many voxels of weight `reference` are `excluded`.
  static func removedCount(from reference: [Float], excluded: [UInt8]) -> Int {
    reference.withUnsafeBufferPointer { r in
      excluded.withUnsafeBufferPointer { e in
        var count = 0
        for n in 0..<r.count where r[n] != 0 && e[n] != 0 { count += 1 }
        return count
      }
    }
  }

  /// Sets `reference` to 0 where `excluded`.
  static func remove(_ excluded: [UInt8], from reference: inout [Float]) {
    excluded.withUnsafeBufferPointer { e in
      reference.withUnsafeMutableBufferPointer { r in
        for n in 0..<r.count where e[n] != 0 { r[n] = 0 }
      }
    }
  }

  /// Raises `score` to the joint score in the regions (26-connected, joint or plain score
  /// over 1) where no voxel's plain score is over 1: the joint score adds lesions no single
  /// image shows and leaves the extent of those one image shows alone (T2's coarse slices
  /// would otherwise widen every lesion by its blur).
  static func addJointRegions(_ joint: [Float], to score: inout [Float], dims: SIMD3<Int>) {
    let regions = areas(of: zip(score, joint).map { max($0, $1) }, dims: dims)
    guard regions.count > 0 else { return }
    let ids = regions.labels.labels32
    var plain = [Bool](repeating: false, count: regions.count + 1)
    for n in 0..<score.count where ids[n] != 0 && score[n] > 1 { plain[Int(ids[n])] = true }
    for n in 0..<score.count where ids[n] != 0 && !plain[Int(ids[n])] { score[n] = max(score[n], joint[n]) }
  }

  /// Adds to `plain` (the plain pass's lesions, nil for none) the lesions of the joint pass
  /// (`joint`, found on the `combined` score) that no plain lesion touches or comes within a
  /// voxel of, and that lie in an area of the combined score over 1 (26-connected) of at most
  /// `areaLimit` voxels, or in a wider area that holds at most `wideAreaLesions` such lesions.
  /// A lesion a plain one comes near counts as clear, and is added without its voxels that
  /// near, when at least `apartShare` (0 = never) of its voxels and at least `apartVoxels` lie
  /// farther. `areas`: the labelled areas of `combined` over 1 when the caller has them.
  /// A plain lesion holding at least two joint lesions of at least `splitVoxels` voxels (0 =
  /// never), each at least 90 % inside it, is replaced by them.
  static func addJointPass(
    _ joint: [UInt8], combined: [Float], to plain: inout [UInt8]?, dims: SIMD3<Int>, areaLimit: Int, wideAreaLesions: Int = 0,
    areas: ComponentLabels? = nil, apartShare: Double = 0, apartVoxels: Int = 1, splitVoxels: Int = 0
  ) {
    let box = Grid(dims: dims, spacingMM: SIMD3(1, 1, 1))
    let found = ConnectedComponents.label(Volume(grid: box, voxels: joint), connectivity: .corners26)
    guard found.count > 0 else { return }
    let ids = found.labels.labels32
    var rejected = [Bool](repeating: false, count: found.count + 1)
    // Within a voxel of a plain lesion (empty without plain lesions).
    var near: [UInt8] = []
    if let plain {
      near = Morphology.dilate(plain, dims: dims, radius: SIMD3(1, 1, 1))
      var touching = [Int](repeating: 0, count: found.count + 1)
      for n in 0..<joint.count where ids[n] != 0 && near[n] != 0 { touching[Int(ids[n])] += 1 }
      for id in 1...found.count where touching[id] > 0 {
        let apart = found.voxelCounts[id - 1] - touching[id]
        rejected[id] = apartShare <= 0 || apart < apartVoxels || Double(apart) < apartShare * Double(found.voxelCounts[id - 1])
      }
    }
    let area = areas ?? Self.areas(of: combined, dims: dims)
    let areaIDs = area.labels.labels32
    // The wide area each lesion lies in (0: none). A lesion is over 1 throughout, so in one area.
    var wideArea = [Int](repeating: 0, count: found.count + 1)
    for n in 0..<joint.count where ids[n] != 0 && areaIDs[n] != 0 && area.voxelCounts[Int(areaIDs[n]) - 1] > areaLimit {
      wideArea[Int(ids[n])] = Int(areaIDs[n])
    }
    var lesionsIn = [Int](repeating: 0, count: area.count + 1)
    for id in 1...found.count where wideArea[id] != 0 && !rejected[id] { lesionsIn[wideArea[id]] += 1 }
    for id in 1...found.count where wideArea[id] != 0 && lesionsIn[wideArea[id]] > wideAreaLesions { rejected[id] = true }
    var merged = plain ?? [UInt8](repeating: 0, count: joint.count)
    for n in 0..<joint.count where ids[n] != 0 && !rejected[Int(ids[n])] && (near.isEmpty || near[n] == 0) { merged[n] = 1 }
    if splitVoxels > 0, let plain {
      Self.split(plain, into: joint, ids: ids, counts: found.voxelCounts, box: box, minimumVoxels: splitVoxels, result: &merged)
    }
    plain = merged
  }

  /// Replaces in `result` each region of `plain` that holds at least two of the joint lesions
  /// (labels `ids`, voxel counts `counts`) of at least `minimumVoxels` voxels lying at least
  /// 90 % inside it by those lesions (`addJointPass`).
  static func split(
    _ plain: [UInt8], into joint: [UInt8], ids: [UInt32], counts: [Int], box: Grid, minimumVoxels: Int, result: inout [UInt8]
  ) {
    let regions = ConnectedComponents.label(Volume(grid: box, voxels: plain), connectivity: .corners26)
    guard regions.count > 0 else { return }
    let regionIDs = regions.labels.labels32
    // Per joint lesion: the one plain region it overlaps (0 none, −1 several) and how much.
    var host = [Int](repeating: 0, count: counts.count + 1), inside = host
    for n in 0..<joint.count where ids[n] != 0 && regionIDs[n] != 0 {
      let (id, region) = (Int(ids[n]), Int(regionIDs[n]))
      host[id] = host[id] == 0 || host[id] == region ? region : -1
      inside[id] += 1
    }
    var member = [Bool](repeating: false, count: counts.count + 1)
    var large = [Int](repeating: 0, count: regions.count + 1)
    for id in 1...counts.count where host[id] > 0 && counts[id - 1] >= minimumVoxels && 10 * inside[id] >= 9 * counts[id - 1] {
      member[id] = true
      large[host[id]] += 1
    }
    guard large.contains(where: { $0 >= 2 }) else { return }
    for n in 0..<plain.count where regionIDs[n] != 0 && large[Int(regionIDs[n])] >= 2 { result[n] = 0 }
    for n in 0..<joint.count where ids[n] != 0 && member[Int(ids[n])] && large[host[Int(ids[n])]] >= 2 { result[n] = 1 }
  }

  /// The 26-connected regions of a mask, labelled once and with each region's voxels grouped
  /// (a counting sort), for the region tests: medians of several maps, shares of a band.
  struct Regions {
    let labels: ComponentLabels
    let ids: [UInt32]
    /// Region c's voxel offsets are `voxels[start[c − 1]..<start[c]]`.
    let start: [Int]
    let voxels: [Int]

    init(_ regions: [UInt8], dims: SIMD3<Int>) {
      labels = ConnectedComponents.label(Volume(grid: Grid(dims: dims, spacingMM: SIMD3(1, 1, 1)), voxels: regions), connectivity: .corners26)
      ids = labels.labels.labels32
      var start = [Int](repeating: 0, count: labels.count + 1)
      for c in 0..<labels.count { start[c + 1] = start[c] + labels.voxelCounts[c] }
      var fill = start, voxels = [Int](repeating: 0, count: start[labels.count])
      for n in 0..<ids.count where ids[n] != 0 {
        let c = Int(ids[n]) - 1
        voxels[fill[c]] = n
        fill[c] += 1
      }
      self.start = start
      self.voxels = voxels
    }

    /// The radius of a tube as long as region `c`'s bounding box is across (its diagonal) and
    /// of the region's volume, in mm: about a vessel segment's radius, and for a ball about a
    /// third of its diameter.
    func tubeRadiusMM(of c: Int, spacingMM: SIMD3<Double>) -> Double {
      let dims = labels.grid.dims
      var lo = SIMD3<Int>(repeating: .max), hi = SIMD3<Int>(repeating: .min)
      for n in voxels[start[c]..<start[c + 1]] {
        let p = SIMD3(n % dims.x, (n / dims.x) % dims.y, n / (dims.x * dims.y))
        lo = pointwiseMin(lo, p)
        hi = pointwiseMax(hi, p)
      }
      let extent = SIMD3<Double>(hi &- lo &+ 1) * spacingMM
      let length = (extent * extent).sum().squareRoot()
      let volume = Double(start[c + 1] - start[c]) * spacingMM.x * spacingMM.y * spacingMM.z
      return (volume / (Double.pi * length)).squareRoot()
    }

    /// The lower median of `values` over each region (index id − 1).
    func medians(of values: [Float]) -> [Float] {
      var scratch = [Float](repeating: 0, count: voxels.count)
      return scratch.withUnsafeMutableBufferPointer { v in
        (0..<labels.count).map { c in
          let range = start[c]..<start[c + 1]
          for o in range { v[o] = values[voxels[o]] }
          return Selection.kthSmallest(UnsafeMutableBufferPointer(rebasing: v[range]), rank: (range.count - 1) / 2)
        }
      }
    }

    /// `regions` without the regions whose flag (index id, 0 unused) is set.
    func removing(_ flagged: [Bool], from regions: [UInt8]) -> [UInt8] {
      guard flagged.contains(true) else { return regions }
      var kept = regions
      for n in 0..<ids.count where flagged[Int(ids[n])] { kept[n] = 0 }
      return kept
    }
  }

  /// Per region id (0 unused): a vein for the region vein test, at most `maximumVoxels` with a
  /// median venous ratio of at least `venousAtLeast` and a median T2 ratio of at most
  /// `t2AtMost` (see `HypointenseChannel.vesselRegionVenousRatio`), and, given
  /// `arterialRatio`, a median arterial ratio under 1; never a region with a voxel in a part
  /// `tooWide` for a vessel, nor one with a tube radius (`Regions.tubeRadiusMM`) of at least
  /// `lesionRadiusMM` whose venous excess is under `venousShare` of its T2 deficit (see
  /// `HypointenseChannel.vesselRegionVenousShare`; 0 = no such exception).
  static func veins(
    _ regions: Regions, venousRatio: [Float], t2Ratio: [Float], venousAtLeast: Float, t2AtMost: Float, maximumVoxels: Int,
    arterialRatio: [Float]? = nil, tooWide: [UInt8]? = nil, venousShare: Float = 0, lesionRadiusMM: Double = 0,
    spacingMM: SIMD3<Double> = SIMD3(1, 1, 1)
  ) -> [Bool] {
    let counts = regions.labels.voxelCounts
    guard counts.contains(where: { $0 <= maximumVoxels }) else { return [Bool](repeating: false, count: counts.count + 1) }
    var wide = [Bool](repeating: false, count: counts.count + 1)
    if let tooWide {
      for n in 0..<regions.ids.count where regions.ids[n] != 0 && tooWide[n] != 0 { wide[Int(regions.ids[n])] = true }
    }
    let venous = regions.medians(of: venousRatio), t2 = regions.medians(of: t2Ratio)
    let arterial = arterialRatio.map { regions.medians(of: $0) }
    return (0...counts.count).map { id in
      guard id > 0 else { return false }
      let c = id - 1
      guard !wide[id] && counts[c] <= maximumVoxels && venous[c] >= venousAtLeast && t2[c] <= t2AtMost
        && (arterial.map { $0[c] < 1 } ?? true)
      else { return false }
      // Too little venous excess for its T2 deficit: a vein only if thin.
      guard venousShare > 0, venous[c] - 1 < venousShare * (1 - t2[c]) else { return true }
      return regions.tubeRadiusMM(of: c, spacingMM: spacingMM) < lesionRadiusMM
    }
  }

  /// Per region id (0 unused): at least `share` of its voxels outside `inner` (see
  /// `HypointenseChannel.capsuleBandShare`).
  static func capsuleBands(_ regions: Regions, inner: [UInt8], share: Double) -> [Bool] {
    var outside = [Int](repeating: 0, count: regions.labels.count + 1)
    for n in 0..<regions.ids.count where regions.ids[n] != 0 && inner[n] == 0 { outside[Int(regions.ids[n])] += 1 }
    return (0...regions.labels.count).map { c in c > 0 && Double(outside[c]) >= share * Double(regions.labels.voxelCounts[c - 1]) }
  }

  /// `regions` without the veins of the region vein test (`veins`).
  static func dropVessels(
    _ regions: [UInt8], venousRatio: [Float], t2Ratio: [Float], dims: SIMD3<Int>, venousAtLeast: Float, t2AtMost: Float,
    maximumVoxels: Int, arterialRatio: [Float]? = nil
  ) -> [UInt8] {
    let found = Regions(regions, dims: dims)
    return found.removing(
      veins(
        found, venousRatio: venousRatio, t2Ratio: t2Ratio, venousAtLeast: venousAtLeast, t2AtMost: t2AtMost, maximumVoxels: maximumVoxels,
        arterialRatio: arterialRatio), from: regions)
  }

  /// `regions` without the sheets along the capsule (`capsuleBands`).
  static func dropCapsuleBands(_ regions: [UInt8], inner: [UInt8], dims: SIMD3<Int>, share: Double) -> [UInt8] {
    let found = Regions(regions, dims: dims)
    return found.removing(capsuleBands(found, inner: inner, share: share), from: regions)
  }

  /// The region vein test (`veins`) with this study's maps and settings, per region id.
  func veins(_ found: Regions, t2Ratio: [Float], arterialRatio: [Float]? = nil) -> [Bool] {
    Self.veins(
      found, venousRatio: venousRatio, t2Ratio: t2Ratio, venousAtLeast: Float(settings.vesselRegionVenousRatio),
      t2AtMost: Float(settings.vesselRegionT2Ratio), maximumVoxels: settings.vesselRegionMaximumVoxels, arterialRatio: arterialRatio,
      tooWide: tooWideForVessel, venousShare: Float(settings.vesselRegionVenousShare),
      lesionRadiusMM: settings.vesselRegionLesionRadiusMM, spacingMM: spacingMM)
  }

  /// Clears from `candidates` (the arterial channel's, full grid) the foci the region vein
  /// test takes for veins, among those whose median arterial ratio is under 1 (see
  /// `HypointenseChannel.vesselRegionArterialFoci`).
  func dropVeins(fromArterial candidates: inout [UInt8], fullDims: SIMD3<Int>) {
    guard settings.vesselRegionArterialFoci, settings.vesselRegionVenousRatio > 0, let t2Ratio, let arterialRatio else { return }
    let box = VoxelBox(lower: lower, upper: lower &+ dims &- 1, dims: fullDims)
    let found = Regions(box.crop(candidates), dims: dims)
    let vein = veins(found, t2Ratio: t2Ratio, arterialRatio: arterialRatio)
    let (nx, ny) = (dims.x, dims.y)
    for id in 1..<vein.count where vein[id] {
      for n in found.voxels[found.start[id - 1]..<found.start[id]] {
        let (i, j, k) = (n % nx, (n / nx) % ny, n / (nx * ny))
        candidates[(lower.x + i) + fullDims.x * ((lower.y + j) + fullDims.y * (lower.z + k))] = 0
      }
    }
  }

  /// Per region id (0, no region, is never kept): whether a region of `sizes[id]` voxels is
  /// kept, at least `minimumVoxels`, or a small region (at least `smallRegionVoxels`) whose
  /// mean score reaches `smallRegionMeanScore`, or one of at least `rawContrastVoxels` whose
  /// mean `rawDarkness` (steps of 1/`rawDarknessSteps`) reaches `smallRegionRawContrast`.
  static func largeOrClear<ID: FixedWidthInteger>(
    ids: [ID], sizes: [Int], score: [Float], settings: HypointenseChannel, rawDarkness: [UInt8]? = nil
  ) -> [Bool] {
    var keep = sizes.enumerated().map { $0.offset > 0 && $0.element >= settings.minimumVoxels }
    let byScore = settings.smallestRegionVoxels < settings.minimumVoxels
    let raw = settings.smallRegionRawContrast > 0 ? rawDarkness : nil
    guard byScore || raw != nil else { return keep }
    var sums = [Double](repeating: 0, count: sizes.count), rawSums = [Int](repeating: 0, count: sizes.count)
    for n in 0..<ids.count where ids[n] != 0 && sizes[Int(ids[n])] < settings.minimumVoxels {
      sums[Int(ids[n])] += Double(score[n])
      if let raw { rawSums[Int(ids[n])] += Int(raw[n]) }
    }
    let rawLevel = settings.smallRegionRawContrast * Double(rawDarknessSteps)
    for id in 1..<sizes.count where !keep[id] {
      let size = Double(sizes[id])
      let clear = byScore && sizes[id] >= settings.smallRegionVoxels && sums[id] / size >= settings.smallRegionMeanScore
      let dark = raw != nil && sizes[id] >= settings.rawContrastVoxels && Double(rawSums[id]) / size >= rawLevel
      keep[id] = clear || dark
    }
    return keep
  }

  /// The 26-connected areas of `score` over 1.
  static func areas(of score: [Float], dims: SIMD3<Int>) -> ComponentLabels {
    let mask = score.map { $0 > 1 ? UInt8(1) : 0 }
    return ConnectedComponents.label(Volume(grid: Grid(dims: dims, spacingMM: SIMD3(1, 1, 1)), voxels: mask), connectivity: .corners26)
  }

  /// `score` with its areas over 1 of more than `limit` voxels set to 0, and the areas.
  static func smallAreas(of score: [Float], dims: SIMD3<Int>, limit: Int) -> (score: [Float], areas: ComponentLabels) {
    let areas = areas(of: score, dims: dims)
    let wide = areas.voxelCounts.map { $0 > limit }
    guard wide.contains(true) else { return (score, areas) }
    let ids = areas.labels.labels32
    var small = score
    for n in 0..<small.count where ids[n] != 0 && wide[Int(ids[n]) - 1] { small[n] = 0 }
    return (small, areas)
  }

  /// Raises `score` to the fused score over `level`: each map's robust z-score in the
  /// parenchyma (darkness on T1, brightness on T2), summed over T2 and one or both T1 phases
  /// and divided by the root of their number, the best of those sums; only where T2 and a T1
  /// phase both lean the lesion's way, off vessels. The noise of the maps is independent, so
  /// the sum of n z-scores is a z-score again, and a small lesion faint in every image adds up
  /// to a clear one.
  func fuse(_ maps: JointMaps, level: Float, vessel: Float, excess: Float, into score: inout [Float]) {
    func standard(_ s: RobustStatistics) -> (median: Float, sigma: Float) { (Float(s.median), Float(max(s.robustSigma, 1e-6))) }
    let n1 = standard(maps.nativeStatistics), t = standard(maps.t2Statistics)
    let a1 = maps.arterialStatistics.map(standard)
    let (dn, dv, bt) = (maps.nativeDarkness, maps.venousDarkness, maps.t2Brightness)
    let da = a1 == nil ? nil : maps.arterialDarkness
    let (root2, root3) = (Float(2).squareRoot(), Float(3).squareRoot())
    let notVesselZ = Float(settings.t2NotVesselZ)
    let wide = tooWideForVessel
    Self.eachLiverVoxel(liver, writing: &score) { n, score in
      let zt = (bt[n] - t.median) / t.sigma
      guard zt > 0 else { return }
      let zn = (dn[n] - n1.median) / n1.sigma
      var fused = (zn + zt) / root2, darkest = dn[n], anyDark = zn > 0
      if let da, let a1 {
        let za = (da[n] - a1.median) / a1.sigma
        fused = max(fused, (zn + za + zt) / root3, (za + zt) / root2)
        darkest = max(darkest, da[n])
        anyDark = anyDark || za > 0
      }
      // Not brighter than the liver in the venous phase is off vessels whatever the darkness,
      // and so is clear T2 brightness (`t2NotVesselZ`).
      let clearOfVessels =
        (dv[n] > vessel && dv[n] >= 0) || (notVesselZ > 0 && zt > notVesselZ) || (wide?[n] ?? 0) != 0
        || Self.offVessel(dark: darkest, venous: dv[n], vesselRatio: vessel, excess: excess)
      if anyDark, clearOfVessels { score[n] = max(score[n], fused / level) }
    }
  }

  /// Marks the channel's regions in `candidates` (full grid, 1 = candidate).
  ///
  /// Lesions a voxel apart share a partial-volume gap that is dark too, so thresholding alone
  /// joins them. Each voxel's score is its darkness over the seed threshold (native darkness
  /// counts only off vessels); markers are the parts scoring over `coreFactor` (a lesion core) and
  /// any seeded part (over 1) without such a core; the markers flood the voxels scoring over
  /// `growFraction` in order of decreasing score (a watershed), and a one-voxel cut is made
  /// wherever two basins meet, so the final labelling keeps them apart.
  /// `scale` multiplies both k and the contrast floor (a threshold sweep tightens both).
  /// The channel's scores at `scale` over its box: the plain score (each image's darkness, or
  /// T2's brightness, as a share of its seed level; over 1 seeds, over `coreFactor` a core) and,
  /// when the joint pass runs on its own (`jointAreaLimitVoxels` > 0), the combined score it
  /// reads (the better of the plain and joint scores; nil otherwise, the joint regions then
  /// being raised in the plain score).
  func scores(scale: Double) -> (plain: [Float], combined: [Float]?) {
    let clock = StageClock.start()
    defer { StageClock.record("hypointense.scores", since: clock) }
    let k = settings.k * scale
    let vessel = Float(1 - settings.vesselVenousRatio), excess = Float(settings.vesselVenousExcess)
    let floor = settings.minimumContrast * scale
    let seedN = Float(max(nativeStatistics.threshold(k: k), floor)), seedV = Float(max(venousStatistics.threshold(k: k), floor))
    let count = liver.count
    /// T1 score: native (and arterial) darkness off vessels or venous darkness, as shares of
    /// their seed levels. Vessels are dark natively and in the arterial phase, bright in the
    /// venous one.
    /// `notVessel` marks voxels known not to be vessels whatever the venous phase shows, as
    /// are those in parts too wide for one (`tooWideForVessel`).
    func t1Score(
      _ native: [Float], _ venous: [Float], _ arterial: [Float]?, seedN: Float, seedV: Float, seedA: Float,
      notVessel: [Bool]? = nil, into score: inout [Float]
    ) {
      let wide = tooWideForVessel
      Self.eachLiverVoxel(liver, writing: &score) { n, score in
        let known = (notVessel?[n] ?? false) || (wide?[n] ?? 0) != 0
        let nativeOff = known || Self.offVessel(dark: native[n], venous: venous[n], vesselRatio: vessel, excess: excess)
        var s = max(nativeOff ? native[n] / seedN : 0, venous[n] / seedV)
        if let arterial, known || Self.offVessel(dark: arterial[n], venous: venous[n], vesselRatio: vessel, excess: excess) {
          s = max(s, arterial[n] / seedA)
        }
        score[n] = s
      }
    }
    let seed = { (s: RobustStatistics?) in Float(max(s?.threshold(k: k) ?? 0, floor)) }
    var score = [Float](repeating: 0, count: count)
    // The better of the plain and joint scores, for the joint pass.
    var combined: [Float]?
    t1Score(nativeDarkness, venousDarkness, nil, seedN: seedN, seedV: seedV, seedA: 0, into: &score)
    /// In each part (voxels `voxels[start[c]..<start[c + 1]]`) too wide for a vessel that
    /// nothing scores yet (under a tenth of its voxels over 1), `value(n) / seed` seeds.
    func seedUnscored(start: [Int], voxels: [Int], seed: Float, _ value: (Int) -> Float) {
      for c in 0..<(start.count - 1) {
        let range = start[c]..<start[c + 1]
        let scored = voxels[range].reduce(0) { $0 + (score[$1] > 1 ? 1 : 0) }
        guard scored * 10 < range.count else { continue }
        for n in voxels[range] { score[n] = max(score[n], value(n) / seed) }
      }
    }
    if let wide = venousWide {
      // Parts brighter than the liver in the venous phase that nothing on T1 scores: venous
      // brightness seeds there.
      let darkness = venousDarkness
      seedUnscored(start: wide.start, voxels: wide.voxels, seed: Float(max(wide.statistics.threshold(k: k), floor))) { -darkness[$0] }
    }
    let t2Floor = settings.minimumT2Contrast * scale
    if let t2Brightness, let t2Statistics {
      let seedT = Float(max(t2Statistics.threshold(k: k), t2Floor))
      Self.eachLiverVoxel(liver, writing: &score) { n, score in score[n] = max(score[n], t2Brightness[n] / seedT) }
      if let wide = arterialWide, let found = wide.parts {
        // Parts dark in the arterial phase that nothing else scores: arterial darkness seeds there.
        let darkness = wide.darkness
        seedUnscored(start: found.start, voxels: found.voxels, seed: Float(max(wide.statistics.threshold(k: k), floor))) { darkness[$0] }
      }
    }
    if let adc = adcDarkness {
      // Parts dark on ADC that nothing on T1 or T2 scores: ADC darkness seeds there.
      let seedD = Float(max(adc.statistics.threshold(k: k), settings.minimumADCContrast * scale))
      let darkness = adc.darkness
      let mask = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
        for n in 0..<count { out[n] = liver[n] != 0 && Float(darkness[n]) > seedD ? 1 : 0 }
        initialized = count
      }
      let parts = Regions(mask, dims: dims)
      seedUnscored(start: parts.start, voxels: parts.voxels, seed: seedD) { Float(darkness[$0]) }
    }
    // The joint maps exist only with a T2 image.
    if let joint {
      var jointScore = [Float](repeating: 0, count: count)
      // Evidence on T2 and on T1 together: each image's score is its share of its own seed
      // level; their geometric mean over `jointLevel` scores a voxel that is fairly dark on
      // T1 (off vessels, which are dark on T2) and fairly bright on T2 at once.
      let level = Float(settings.jointLevel)
      if level > 0 {
        var t1 = [Float](repeating: 0, count: count)
        t1Score(
          joint.nativeDarkness, joint.venousDarkness, joint.arterialDarkness, seedN: seed(joint.nativeStatistics),
          seedV: seed(joint.venousStatistics), seedA: seed(joint.arterialStatistics), notVessel: clearlyBright(joint), into: &t1)
        let t2Seed = Float(max(joint.t2Statistics.threshold(k: k), t2Floor))
        let (t1Scores, brightness) = (t1, joint.t2Brightness)
        Self.eachLiverVoxel(liver, writing: &jointScore) { n, jointScore in
          let b = brightness[n] / t2Seed
          if b > 0, t1Scores[n] > 0 { jointScore[n] = (b * t1Scores[n]).squareRoot() / level }
        }
      }
      if settings.fusedLevel > 0 {
        fuse(joint, level: Float(settings.fusedLevel * scale), vessel: vessel, excess: excess, into: &jointScore)
      }
      if settings.jointAreaLimitVoxels > 0 {
        var better = score
        for n in 0..<count where jointScore[n] > better[n] { better[n] = jointScore[n] }
        combined = better
      } else {
        Self.addJointRegions(jointScore, to: &score, dims: dims)
      }
    }
    return (score, combined)
  }

  func addCandidates(scale: Double, to candidates: inout [UInt8], fullDims: SIMD3<Int>) {
    let (score, combined) = scores(scale: scale)
    let count = liver.count
    let grow = Float(settings.growFraction)
    let box = Grid(dims: dims, spacingMM: SIMD3(1, 1, 1))
    /// The lesions of a score: markers, the watershed, the minimum size and the trim (nil
    /// without a marker).
    @Sendable func lesionRegions(of score: [Float]) -> [UInt8]? {
      var clock = StageClock.start()
      func components(_ above: Float, seedsOnly: Bool) -> ComponentLabels {
        let mask = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
          score.withUnsafeBufferPointer { score in
            inner.withUnsafeBufferPointer { inner in
              for n in 0..<count { out[n] = score[n] > above && (!seedsOnly || inner[n] != 0) ? 1 : 0 }
            }
          }
          initialized = count
        }
        return ConnectedComponents.label(Volume(grid: box, voxels: mask), connectivity: .corners26)
      }
      /// 1 where the id's entry in `kept` is true.
      func keptMask<Label: FixedWidthInteger>(_ ids: [Label], _ kept: [Bool]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
          ids.withUnsafeBufferPointer { ids in
            kept.withUnsafeBufferPointer { kept in
              for n in 0..<count { out[n] = kept[Int(ids[n])] ? 1 : 0 }
            }
          }
          initialized = count
        }
      }
      // Markers: cores (score > 2, seeded; split where they hold separate peaks) and seeded
      // parts without a core.
      var cores = components(Float(settings.coreFactor), seedsOnly: true).labels.labels32
      let coreCount = MarkerWatershed.splitPeaks(
        &cores, over: Float(settings.coreFactor), score: score, dims: dims, ratio: Float(settings.coreSplitRatio),
        minimumVoxels: settings.coreSplitVoxels)
      let seeded = components(1, seedsOnly: true)
      let seededLabels = seeded.labels.labels32
      var hasCore = [Bool](repeating: false, count: seeded.count + 1)
      for n in 0..<count where cores[n] != 0 { hasCore[Int(seededLabels[n])] = true }
      // Basin ids in order of first appearance: cores, then seeded parts without a core.
      var basin = [Int32](repeating: 0, count: count)
      var next: Int32 = 0
      var coreIDs = [Int32](repeating: 0, count: coreCount + 1)
      var partIDs = [Int32](repeating: 0, count: seeded.count + 1)
      for n in 0..<count where cores[n] != 0 {
        let c = Int(cores[n])
        if coreIDs[c] == 0 {
          next += 1
          coreIDs[c] = next
        }
        basin[n] = coreIDs[c]
      }
      for n in 0..<count where settings.markersWithoutCore && seededLabels[n] != 0 && !hasCore[Int(seededLabels[n])] {
        let part = Int(seededLabels[n])
        if partIDs[part] == 0 {
          next += 1
          partIDs[part] = next
        }
        basin[n] = partIDs[part]
      }
      StageClock.record("hypointense.markers", since: clock)
      guard next > 0 else { return nil }
      clock = StageClock.start()
      let (kept, sizes) = MarkerWatershed.flood(score: score, markers: basin, basins: Int(next), grow: grow, dims: dims)
      StageClock.record("hypointense.watershed", since: clock)
      clock = StageClock.start()
      let keptBasins = Self.largeOrClear(ids: kept, sizes: sizes, score: score, settings: settings, rawDarkness: rawNativeDarkness)
      var regions = keptMask(kept, keptBasins)
      if settings.halfContrastLayers > 0 {
        // A region's edge where its score is half its own level, as for enhancing foci: the
        // smoothed darkness of a lesion far darker than the seed level reaches past its edge.
        let found = ConnectedComponents.label(Volume(grid: box, voxels: regions), connectivity: .corners26)
        let trimmed = HalfContrastEdges.trim(
          found, values: score, parenchyma: 0, threshold: grow, layers: settings.halfContrastLayers, connectivity: .corners26,
          minimumVoxels: settings.smallestRegionVoxels, fillHoles: false, quantile: HypointenseChannel.trimQuantile)
        let ids = trimmed.labels.labels32
        // What the trim leaves under the full minimum passes the small regions' test again.
        let keptRegions = Self.largeOrClear(
          ids: ids, sizes: [0] + trimmed.voxelCounts, score: score, settings: settings, rawDarkness: rawNativeDarkness)
        regions = keptMask(ids, keptRegions)
      }
      StageClock.record("hypointense.regions", since: clock)
      return regions
    }
    var regions: [UInt8]?
    if let combined {
      // Without lesions kept in wide areas, areas over the limit can give nothing, and areas
      // over 1 never share a basin, a region or a trim, so the pass runs on the small areas
      // alone (the same lesions, for far fewer voxels: wide lesions are most of the score over 1).
      // The two passes are independent until their lesions are merged, so they run side by side.
      let wide = settings.jointWideAreaLesions
      let (plain, (joint, areas)) = ParallelSlabs.both(
        { lesionRegions(of: score) },
        { () -> ([UInt8]?, ComponentLabels) in
          let (small, areas) =
            wide > 0
            ? (combined, Self.areas(of: combined, dims: dims))
            : Self.smallAreas(of: combined, dims: dims, limit: settings.jointAreaLimitVoxels)
          return (lesionRegions(of: small), areas)
        })
      regions = plain
      if let joint {
        Self.addJointPass(
          joint, combined: combined, to: &regions, dims: dims, areaLimit: settings.jointAreaLimitVoxels, wideAreaLesions: wide, areas: areas,
          apartShare: settings.jointApartShare, apartVoxels: settings.jointApartVoxels, splitVoxels: settings.jointSplitVoxels)
      }
    } else {
      regions = lesionRegions(of: score)
    }
    guard var regions else { return }
    let veinTest = settings.vesselRegionVenousRatio > 0 && t2Ratio != nil
    if veinTest || settings.capsuleBandShare > 0 {
      // Both tests drop whole regions, so one labelling serves both.
      regions = StageClock.measure("hypointense.regionTests") {
        let found = Regions(regions, dims: dims)
        var dropped = [Bool](repeating: false, count: found.labels.count + 1)
        if veinTest, let t2Ratio {
          dropped = veins(found, t2Ratio: t2Ratio)
        }
        if settings.capsuleBandShare > 0 {
          let band = Self.capsuleBands(found, inner: inner, share: settings.capsuleBandShare)
          for id in dropped.indices { dropped[id] = dropped[id] || band[id] }
        }
        return found.removing(dropped, from: regions)
      }
    }
    let (nx, ny, nz) = (dims.x, dims.y, dims.z)
    if settings.neighbourContact > 0 {
      // The arterial candidates inside the channel's box.
      let enhancing = VoxelBox(lower: lower, upper: lower &+ dims &- 1, dims: fullDims).crop(candidates)
      regions = StageClock.measure("hypointense.neighbours") {
        ChannelBoundary.separate(
          regions, from: enhancing, dims: dims, contactLimit: settings.neighbourContact, minimumFocusVoxels: settings.neighbourFocusVoxels)
      }
    }
    for k in 0..<nz {
      for j in 0..<ny {
        let row = nx * (j + ny * k)
        let target = lower.x + fullDims.x * ((lower.y + j) + fullDims.y * (lower.z + k))
        for i in 0..<nx where regions[row + i] != 0 { candidates[target + i] |= FocusChannels.hypointenseBit }
      }
    }
  }
}
