import CDeflate
import CIsal
import FociCore
import Synchronization

/// One-shot gzip: the whole stream in, the whole result out. Inflating is libdeflate's
/// (several times faster than zlib's streaming inflate); deflating at the fastest level is
/// ISA-L's igzip, at other levels libdeflate's (see `compressOnce`). The only file that calls
/// either library.
enum Gzip {
  /// Why a stream could not be inflated.
  enum Failure: Error, Equatable {
    case damaged(String)
    case outOfMemory
  }

  /// DEFLATE cannot expand data by more than this factor (a 258-byte match coded in one or two
  /// bits), so no valid stream inflates past it and a lying trailer cannot make us allocate more.
  static let maximumExpansion = 1032

  /// Inflates every gzip member of `compressed`, in order, into one buffer.
  ///
  /// The trailer's ISIZE gives the size modulo 2³²: for one member under 4 GiB that is the
  /// size exactly and the data is inflated once; for larger data the next candidates
  /// ISIZE + n·2³² are tried; for multi-member streams the buffer grows as needed. Zero padding
  /// after the last member is accepted, as gzip(1) does.
  static func decompress(_ compressed: UnsafeRawBufferPointer) throws(Failure) -> ByteBuffer {
    guard compressed.count >= 18 else {
      throw .damaged("too short for a gzip stream (\(compressed.count) bytes)")
    }
    guard compressed[0] == 0x1f, compressed[1] == 0x8b else { throw .damaged("no gzip signature") }
    guard let decompressor = libdeflate_alloc_decompressor() else { throw .outOfMemory }
    defer { libdeflate_free_decompressor(decompressor) }

    let ceiling = compressed.count.multipliedReportingOverflow(by: maximumExpansion)
    let limit = ceiling.overflow ? Int.max : ceiling.partialValue
    let trailerSize = Int(
      UInt32(littleEndian: compressed.loadUnaligned(fromByteOffset: compressed.count - 4, as: UInt32.self)))
    guard let output = ByteBuffer(capacity: Swift.min(Swift.max(trailerSize, 64), limit)) else {
      throw .outOfMemory
    }
    var consumed = 0

    while consumed < compressed.count {
      let rest = UnsafeRawBufferPointer(rebasing: compressed[consumed...])
      if consumed > 0, rest.allSatisfy({ $0 == 0 }) { break }
      var memberIn = 0
      var memberOut = 0
      while true {
        let result = libdeflate_gzip_decompress_ex(
          decompressor, rest.baseAddress, rest.count,
          output.pointer + output.count, output.capacity - output.count, &memberIn, &memberOut)
        if result == LIBDEFLATE_SUCCESS { break }
        if result == LIBDEFLATE_BAD_DATA {
          throw .damaged("the compressed stream is truncated or corrupt")
        }
        guard result == LIBDEFLATE_INSUFFICIENT_SPACE else {
          throw .damaged("libdeflate error \(result.rawValue)")
        }
        guard output.capacity < limit else { throw .damaged("inflates beyond DEFLATE's limit") }
        var next = output.capacity * 2
        if consumed == 0 {
          // One member of 4 GiB or more: its size is ISIZE plus a multiple of 2³².
          var candidate = trailerSize
          while candidate <= output.capacity { candidate += 1 << 32 }
          next = candidate
        }
        guard output.grow(to: Swift.min(next, limit)) else { throw .outOfMemory }
      }
      consumed += memberIn
      output.count += memberOut
      if consumed < compressed.count, output.capacity == output.count {
        guard output.grow(to: Swift.min(output.capacity * 2, limit)) else { throw .outOfMemory }
      }
    }
    return output
  }

  /// Members of about 1 MiB: a 7 MB label map of one study is still compressed on every core,
  /// and a sparse map has many members with no label at all (see `compress`). A member costs
  /// about 20 bytes of framing and restarts the 32 KiB dictionary, which label maps barely feel.
  static let defaultMemberBytes = 1 << 20

  /// Compresses `prefix` followed by `data` as consecutive gzip members of at least
  /// `memberBytes` each, in parallel, without joining the two: members inside `data` are
  /// compressed where they lie, only the one holding the (small) prefix is assembled. The
  /// split depends on the total size only, so the output is the same on any machine and equals
  /// compressing the concatenation.
  static func compressInParallel(
    prefix: UnsafeRawBufferPointer, _ data: UnsafeRawBufferPointer, level: Int32, memberBytes: Int = defaultMemberBytes
  ) throws(Failure) -> [ByteBuffer] {
    let body = UncheckedSendable(data)
    return try compressInParallel(
      prefix: prefix, dataCount: data.count, level: level, memberBytes: memberBytes,
      direct: { range in UnsafeRawBufferPointer(rebasing: body.value[range]) },
      fill: { range, destination in destination.copyMemory(from: body.value.baseAddress! + range.lowerBound, byteCount: range.count) })
  }

  /// The same members for data that is produced piece by piece: `fill(range, destination)`
  /// writes bytes `range` of the data. Each member's bytes are assembled in a buffer reused
  /// from member to member, so the whole data never exists at once (a label map rendered from
  /// runs, say). The output equals compressing the data as one block of memory.
  static func compressInParallel(
    prefix: UnsafeRawBufferPointer, dataCount: Int, level: Int32, memberBytes: Int = defaultMemberBytes,
    fill: @escaping @Sendable (Range<Int>, UnsafeMutableRawPointer) -> Void
  ) throws(Failure) -> [ByteBuffer] {
    try compressInParallel(prefix: prefix, dataCount: dataCount, level: level, memberBytes: memberBytes, direct: nil, fill: fill)
  }

  private static func compressInParallel(
    prefix: UnsafeRawBufferPointer, dataCount: Int, level: Int32, memberBytes: Int,
    direct: (@Sendable (Range<Int>) -> UnsafeRawBufferPointer)?,
    fill: @escaping @Sendable (Range<Int>, UnsafeMutableRawPointer) -> Void
  ) throws(Failure) -> [ByteBuffer] {
    let total = prefix.count + dataCount
    let count = Swift.max(1, Swift.min(maximumMembers, total / memberBytes))
    let ranges = ParallelSlabs.ranges(total: total, pieces: count)
    let results = UncheckedSendable(UnsafeMutableBufferPointer<Result<ByteBuffer, Failure>>.allocate(capacity: count))
    defer { results.value.deallocate() }
    let head = UncheckedSendable(prefix)
    // Assembly buffers, one per member being worked on at a time, handed from member to member
    // (fresh memory costs page faults that cost as much as the compression).
    let pool = Mutex<[ByteBuffer]>([])
    let longest = ranges.map(\.count).max() ?? 0
    ParallelSlabs.forEach(count: count) { piece in
      let range = ranges[piece]
      let offset = head.value.count
      let result = Result { () throws(Failure) -> ByteBuffer in
        if let direct, range.lowerBound >= offset {
          return try compress(direct((range.lowerBound - offset)..<(range.upperBound - offset)), level: level)
        }
        let reused = pool.withLock { $0.popLast() }
        guard let buffer = reused ?? ByteBuffer(capacity: longest) else { throw .outOfMemory }
        defer { pool.withLock { $0.append(buffer) } }
        let fromPrefix = Swift.max(0, Swift.min(range.upperBound, offset) - range.lowerBound)
        if fromPrefix > 0 { buffer.pointer.copyMemory(from: head.value.baseAddress! + range.lowerBound, byteCount: fromPrefix) }
        if range.count > fromPrefix {
          let first = range.lowerBound + fromPrefix - offset
          fill(first..<(range.upperBound - offset), buffer.pointer + fromPrefix)
        }
        return try compress(UnsafeRawBufferPointer(start: buffer.pointer, count: range.count), level: level)
      }
      (results.value.baseAddress! + piece).initialize(to: result)
    }
    defer { results.value.baseAddress!.deinitialize(count: count) }
    var members: [ByteBuffer] = []
    for piece in 0..<count { members.append(try results.value[piece].get()) }
    return members
  }

  /// At most this many members per file.
  static let maximumMembers = 64

  /// Compresses `data` as one gzip member at `level` (1 fastest ... 12 smallest). A member of
  /// zeros only (most of a sparse label map) is compressed once per length and level and then
  /// copied: the compressor's output depends on nothing else, so the bytes are the same, without
  /// running its match finder over megabytes of zeros again.
  static func compress(_ data: UnsafeRawBufferPointer, level: Int32) throws(Failure) -> ByteBuffer {
    guard data.count >= zeroMemberMinimum, isAllZero(data) else { return try compressOnce(data, level: level) }
    let key = ZeroMemberKey(count: data.count, level: level)
    if let cached = zeroMembers.withLock({ $0[key] }) { return try cached.copy() }
    let fresh = try compressOnce(data, level: level)
    let kept = try fresh.copy()
    zeroMembers.withLock { $0[key] = kept }
    return fresh
  }

  /// Members shorter than this are compressed directly (checking and caching would not pay).
  static let zeroMemberMinimum = 64 << 10

  struct ZeroMemberKey: Hashable {
    var count: Int
    var level: Int32
  }

  /// Compressed all-zero members by length and level; a file has one or two member lengths.
  private static let zeroMembers = Mutex<[ZeroMemberKey: ByteBuffer]>([:])

  /// Whether every byte of `data` is zero, eight bytes at a time.
  static func isAllZero(_ data: UnsafeRawBufferPointer) -> Bool {
    guard let base = data.baseAddress else { return true }
    let words = data.count / 8
    var accumulated: UInt64 = 0
    var w = 0
    while w < words {
      let end = Swift.min(words, w + 4096)
      while w < end {
        accumulated |= base.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self)
        w += 1
      }
      if accumulated != 0 { return false }
    }
    for b in 8 * words..<data.count where data[b] != 0 { return false }
    return true
  }

  /// Compresses one member. Level 1 (the fastest, which the phantom and every output of
  /// `analyze` and `cohort` use) goes to ISA-L's igzip at `fastestIsalLevel`; other levels to
  /// libdeflate. Measured on this project's files (ISA-L 2.30, libdeflate 1.14, one core):
  /// igzip compressed an int16 phantom image 1.5× faster than libdeflate's level 1 and as
  /// small, and label maps and masks 10–20× faster, within a few per cent of the size.
  static func compressOnce(_ data: UnsafeRawBufferPointer, level: Int32) throws(Failure) -> ByteBuffer {
    if level == 1, let member = try isalCompress(data, level: fastestIsalLevel) { return member }
    guard let compressor = libdeflate_alloc_compressor(level) else { throw .outOfMemory }
    defer { libdeflate_free_compressor(compressor) }
    let bound = libdeflate_gzip_compress_bound(compressor, data.count)
    guard let out = ByteBuffer(capacity: bound) else { throw .outOfMemory }
    let written = libdeflate_gzip_compress(compressor, data.baseAddress, data.count, out.pointer, bound)
    guard written > 0 else { throw .damaged("libdeflate could not compress \(data.count) bytes") }
    out.count = written
    return out
  }

  /// igzip's level used for level 1: as fast as its level 1 on this project's images and 2 %
  /// smaller (its own hash of the whole 32 KiB window).
  static let fastestIsalLevel: UInt32 = 2

  /// One gzip member by igzip's one-shot (stateless) deflate at ISA-L `level` (1...3), or nil
  /// when it does not fit the output room given (data that does not compress; the caller then
  /// uses libdeflate, whose bound is exact) or is too large for igzip's 32-bit counters.
  /// `room` (for tests) overrides the output room: by default the data stored as it is, with
  /// header, trailer and block framing to spare.
  static func isalCompress(_ data: UnsafeRawBufferPointer, level: UInt32, room: Int? = nil) throws(Failure) -> ByteBuffer? {
    guard data.count < 1 << 30 else { return nil }
    let levelBytes = Int(hepafoci_isal_level_buffer_bytes(level))
    let room = room ?? data.count + data.count / 64 + 1024
    guard let out = ByteBuffer(capacity: room), let work = ByteBuffer(capacity: Swift.max(1, levelBytes)) else { throw .outOfMemory }
    var stream = isal_zstream()
    isal_deflate_stateless_init(&stream)
    stream.level = level
    stream.level_buf = work.pointer.assumingMemoryBound(to: UInt8.self)
    stream.level_buf_size = UInt32(levelBytes)
    stream.gzip_flag = UInt16(IGZIP_GZIP)
    stream.end_of_stream = 1
    stream.flush = UInt16(NO_FLUSH)
    stream.next_in = UnsafeMutablePointer(mutating: data.baseAddress?.assumingMemoryBound(to: UInt8.self))
    stream.avail_in = UInt32(data.count)
    stream.next_out = out.pointer.assumingMemoryBound(to: UInt8.self)
    stream.avail_out = UInt32(room)
    let status = isal_deflate_stateless(&stream)
    if status == STATELESS_OVERFLOW { return nil }
    guard status == COMP_OK, stream.avail_in == 0 else { throw .damaged("igzip could not compress \(data.count) bytes (status \(status))") }
    out.count = Int(stream.total_out)
    return out
  }
}
