import DocQATestSupport
import Foundation
import Testing
@testable import DocQA

/// Bytes `(i * multiplier + offset) % modulus` for i in 0..<count: reproducible test data
/// whose digests were computed with Python's hashlib.
private func pattern(count: Int, multiplier: Int, offset: Int, modulus: Int) -> [UInt8] {
    (0..<count).map { UInt8((($0 * multiplier) + offset) % modulus) }
}

@Suite("SHA256")
struct SHA256Tests {
    /// The NIST FIPS 180-4 example vectors: empty, "abc" and the 448-bit message.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func nistVectors(message: String, expected: String) {
        #expect(SHA256.hex(of: message) == expected)
        #expect(SHA256.hex(of: Data(message.utf8)) == expected)
    }

    /// One million 'a' bytes, fed in uneven pieces, give the NIST digest.
    @Test func millionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var whole = SHA256()
        whole.update(bytes)
        #expect(whole.finalize() == expected)

        var pieces = SHA256()
        var offset = 0
        var size = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + size)
            pieces.update(Array(bytes[offset..<end]))
            offset = end
            size = size * 3 % 1000 + 1
        }
        #expect(pieces.finalize() == expected)
    }

    /// Lengths around the 55/56/64-byte padding boundaries hash correctly.
    @Test(arguments: [
        (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
        (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
        (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
        (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
        (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
        (119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"),
        (120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"),
        (128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"),
    ])
    func paddingBoundaries(count: Int, expected: String) {
        var hash = SHA256()
        hash.update(pattern(count: count, multiplier: 7, offset: 3, modulus: 256))
        #expect(hash.finalize() == expected)
    }

    /// Reading the digest does not end the hash: more bytes can follow.
    @Test func finalizeLeavesHashUsable() {
        var hash = SHA256()
        hash.update("ab")
        _ = hash.finalize()
        hash.update("c")
        #expect(hash.finalize() == SHA256.hex(of: "abc"))
        #expect(hash.digest().count == 32)
    }

    /// A file larger than the 1 MiB read size, and an empty file, hash like their bytes.
    @Test func fileDigest() throws {
        try withTemporaryFolder { folder throws in
            let path = folder + "/big.bin"
            let bytes = pattern(count: 3 * 1024 * 1024 + 123, multiplier: 31, offset: 17, modulus: 251)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(try SHA256.hex(ofFileAt: path)
                    == "d6d9ba80f96f7708dbb1baabfc57db9e23394a92e3fe9f76812ae320001bf13e")

            let empty = folder + "/empty.txt"
            try Data().write(to: URL(fileURLWithPath: empty))
            #expect(try SHA256.hex(ofFileAt: empty) == SHA256.hex(of: ""))
        }
    }

    /// A missing file is `.fileNotFound` and a folder is `.unreadableFile`, each naming
    /// the path.
    @Test func fileErrors() throws {
        try withTemporaryFolder { folder throws in
            let missing = folder + "/missing.pdf"
            let notFound = #expect(throws: DocQAError.self) { try SHA256.hex(ofFileAt: missing) }
            #expect(notFound?.code == .fileNotFound)
            #expect(notFound?.path == missing)

            let unreadable = #expect(throws: DocQAError.self) { try SHA256.hex(ofFileAt: folder) }
            #expect(unreadable?.code == .unreadableFile)
            #expect(unreadable?.path == folder)
        }
    }
}
