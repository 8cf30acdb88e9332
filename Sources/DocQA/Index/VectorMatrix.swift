/// Every stored vector of an index in one contiguous row-major buffer, for exact
/// nearest-neighbour search by dot product.
struct VectorMatrix {
    /// Values per row.
    let dimension: Int
    /// Chunk id of each row, ascending.
    var chunkIDs: [Int64] = []
    /// Document id of each row.
    var documentIDs: [Int64] = []
    /// `chunkIDs.count * dimension` values, row after row.
    var values: [Float] = []

    init(dimension: Int) {
        precondition(dimension > 0)
        self.dimension = dimension
    }

    var rowCount: Int { chunkIDs.count }

    /// The `limit` rows with the largest dot product with `query`, best first; ties go
    /// to the lower chunk id so results are reproducible.
    ///
    /// Scans every row (exact search). Keeps a bounded min-heap of the best `limit`
    /// rows seen, so the cost is O(n·d + n·log k) rather than a full sort.
    /// `documents`, when given, restricts the scan to rows of those documents.
    func nearest(to query: [Float], limit: Int, in documents: Set<Int64>? = nil) -> [(chunkID: Int64, score: Float)] {
        precondition(query.count == dimension)
        guard limit > 0, rowCount > 0 else { return [] }
        var heap = TopK(capacity: min(limit, rowCount))
        let d = dimension
        query.withUnsafeBufferPointer { q in
            values.withUnsafeBufferPointer { all in
                let qBase = q.baseAddress!
                for row in 0..<rowCount {
                    if let documents, !documents.contains(documentIDs[row]) { continue }
                    let score = Self.dot(qBase, all.baseAddress! + row * d, count: d)
                    heap.offer(score: score, row: row)
                }
            }
        }
        return heap.sortedBestFirst().map { (chunkIDs[$0.row], $0.score) }
    }

    /// Dot product with 16-lane SIMD; two accumulators to hide addition latency.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var sum0 = SIMD16<Float>()
        var sum1 = SIMD16<Float>()
        var i = 0
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        let stride = MemoryLayout<Float>.stride
        while i + 32 <= count {
            sum0 += ra.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
                  * rb.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
            sum1 += ra.loadUnaligned(fromByteOffset: (i + 16) * stride, as: SIMD16<Float>.self)
                  * rb.loadUnaligned(fromByteOffset: (i + 16) * stride, as: SIMD16<Float>.self)
            i += 32
        }
        if i + 16 <= count {
            sum0 += ra.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
                  * rb.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
            i += 16
        }
        var total = (sum0 + sum1).sum()
        while i < count {
            total += a[i] * b[i]
            i += 1
        }
        return total
    }
}

/// The best `capacity` (score, row) pairs offered, kept as a binary min-heap whose root
/// is the worst of them.
struct TopK {
    struct Entry {
        var score: Float
        var row: Int
    }

    let capacity: Int
    private var heap: [Entry] = []

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    /// Whether `a` ranks below `b`: lower score, or equal score and later row.
    @inline(__always)
    private static func isWorse(_ a: Entry, than b: Entry) -> Bool {
        a.score < b.score || (a.score == b.score && a.row > b.row)
    }

    mutating func offer(score: Float, row: Int) {
        let entry = Entry(score: score, row: row)
        if heap.count < capacity {
            heap.append(entry)
            siftUp(heap.count - 1)
        } else if Self.isWorse(heap[0], than: entry) {
            heap[0] = entry
            siftDown(0)
        }
    }

    func sortedBestFirst() -> [Entry] {
        heap.sorted { Self.isWorse($1, than: $0) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.isWorse(heap[child], than: heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var worst = left
            let right = left + 1
            if right < heap.count, Self.isWorse(heap[right], than: heap[left]) { worst = right }
            guard Self.isWorse(heap[worst], than: heap[parent]) else { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
