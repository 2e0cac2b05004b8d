import Foundation
import GongzhiCore
import Testing

/// Every parser that reads outside bytes, fed generated input for a bounded
/// number of rounds (seeded, so a failure repeats): none may crash, and each
/// keeps its promise (a bounded reader never answers outside its bound, a
/// proof list is refused rather than half-read, masking keeps the text's length).
@Suite("Parsers of outside input, fuzzed")
struct ParserFuzzTests {
    /// Rounds per parser; `GONGZHI_FUZZ_ROUNDS` raises it for a longer run.
    static let rounds = ProcessInfo.processInfo.environment["GONGZHI_FUZZ_ROUNDS"].flatMap(Int.init) ?? 3000

    static let alphabet: [Character] =
        Array("0123456789abcdefABCDEFxX,;:+-. \t\n\r\"'|/\\%=&?#") + ["１", "９", "－", "\u{3000}", "号", "楼", "é", "\u{0}", "\u{202E}"]

    static func text(_ rng: inout SplitMix64, maxLength: Int = 80) -> String {
        String((0..<rng.int(maxLength + 1)).map { _ in alphabet[rng.int(alphabet.count)] })
    }

    @Test("bounded integers, days and money")
    func numbers() {
        var rng = SplitMix64(seed: 1)
        let bound = IntegerBound(-5...104)
        for _ in 0..<Self.rounds {
            let s = Self.text(&rng, maxLength: 24)
            if let v = bound.read(s) { #expect(bound.contains(v)) }
            if let d = Day(s) { #expect((MomentBounds.firstYear...MomentBounds.lastYear).contains(d.year)) }
            if let fen = Money.fen(fromYuan: s) { #expect(fen >= 0) }
        }
    }

    @Test("proof arguments: a list is read whole or refused")
    func proofs() throws {
        var rng = SplitMix64(seed: 2)
        let h = String(repeating: "ab", count: 32)
        for _ in 0..<Self.rounds {
            let parts = (0..<rng.int(5)).map { _ in rng.int(3) == 0 ? Self.text(&rng, maxLength: 70) : h }
            let list = parts.joined(separator: rng.int(4) == 0 ? ",," : ",")
            if let hashes = try? ProofArguments.hashes(list) {
                #expect(hashes.count == list.split(separator: ",", omittingEmptySubsequences: false).count || list.trimmed.isEmpty)
            }
            _ = try? ProofArguments.position(Self.text(&rng, maxLength: 22), "index")
        }
        #expect(throws: ProofArguments.Invalid.self) { try ProofArguments.hashes(",\(h),\(h)") }
        #expect(throws: ProofArguments.Invalid.self) { try ProofArguments.hashes("\(h),\(h),") }
        #expect(throws: ProofArguments.Invalid.self) { try ProofArguments.position("9223372036854775808", "index") }
        #expect(try ProofArguments.hashes("") == [])
        #expect(try ProofArguments.hashes("\(h), \(h)").count == 2)
    }

    @Test("CSV lists and free-text masking")
    func csvAndMasking() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<Self.rounds {
            let s = Self.text(&rng, maxLength: 200)
            _ = try? ListCSV.rows(s)
            _ = try? ListCSV.responsibility("\u{FEFF}category,place,lead,co,respond_hours,resolve_days,basis\n" + s)
            #expect(PersonalDataMask.text(s).count == s.count)
        }
    }
}
