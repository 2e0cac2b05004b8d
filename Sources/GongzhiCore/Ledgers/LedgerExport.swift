import Foundation

/// A ledger as the files departments ask for: CSV that Excel opens in
/// Chinese, and an .xlsx workbook. Both are written row by row into bytes,
/// so a ledger of half a million records is exported without building it
/// twice in memory.
public enum LedgerCSV {
    /// UTF-8 byte order mark: without it Excel reads Chinese as gibberish.
    public static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// One row, RFC 4180 quoted, CRLF ended.
    public static func append(_ row: [LedgerField], to out: inout [UInt8]) {
        for (i, field) in row.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            switch field {
            case .number(let n): out.append(contentsOf: n.utf8)
            case .text(let s): appendText(LedgerSheet.defused(s), to: &out)
            }
        }
        out.append(contentsOf: [0x0D, 0x0A])
    }

    static func appendText(_ s: String, to out: inout [UInt8]) {
        let needsQuotes = s.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { return out.append(contentsOf: s.utf8) }
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }

    public static func header(_ titles: [String]) -> [UInt8] {
        var out = bom
        append(titles.map(LedgerField.text), to: &out)
        return out
    }
}

public enum LedgerSheet {
    /// Text a spreadsheet would take for a formula (`=HYPERLINK(…)`, `+1`,
    /// `@SUM`) gets a leading apostrophe, so a resident's words in a note can
    /// never run as a formula on the desk that opens the file (OWASP CSV injection).
    public static func defused(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(Character(first)) else { return s }
        return "'" + s
    }

    /// Excel's last row: a ledger longer than this exports as CSV only.
    public static let maximumRows = 1_048_575
}

/// An .xlsx workbook with one sheet: the smallest Office Open XML package
/// Excel, WPS and LibreOffice open (ECMA-376 part 2), stored in a zip
/// without compression so that it needs nothing beyond CRC-32.
public struct LedgerWorkbook {
    private var sheet: [UInt8] = []
    private var rowNumber = 0

    public init(sheetName: String) {
        self.sheetName = sheetName
        sheet.append(
            contentsOf: """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
                """.utf8)
    }

    private let sheetName: String

    public var rows: Int { rowNumber }

    public mutating func append(_ row: [LedgerField]) {
        rowNumber += 1
        sheet.append(contentsOf: "<row r=\"\(rowNumber)\">".utf8)
        for field in row {
            switch field {
            case .number(let n): sheet.append(contentsOf: "<c><v>\(n)</v></c>".utf8)
            case .text(let s):
                sheet.append(contentsOf: "<c t=\"inlineStr\"><is><t xml:space=\"preserve\">".utf8)
                Self.escape(LedgerSheet.defused(s), to: &sheet)
                sheet.append(contentsOf: "</t></is></c>".utf8)
            }
        }
        sheet.append(contentsOf: "</row>".utf8)
    }

    /// XML text: markup characters escaped, and characters XML 1.0 cannot hold dropped.
    static func escape(_ s: String, to out: inout [UInt8]) {
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".utf8)
            case "<": out.append(contentsOf: "&lt;".utf8)
            case ">": out.append(contentsOf: "&gt;".utf8)
            case "\"": out.append(contentsOf: "&quot;".utf8)
            case "\t", "\n", "\r": out.append(contentsOf: String(scalar).utf8)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.append(contentsOf: String(scalar).utf8)
            }
        }
    }

    public consuming func finish() -> [UInt8] {
        var sheet = self.sheet
        sheet.append(contentsOf: "</sheetData></worksheet>".utf8)
        var name: [UInt8] = []
        // Sheet names are at most 31 characters and may not hold []:*?/\ (Excel refuses the file otherwise).
        let cleaned = String(sheetName.filter { !"[]:*?/\\".contains($0) }.prefix(31)).trimmed
        Self.escape(cleaned.isEmpty ? "Sheet1" : cleaned, to: &name)
        let files: [(String, [UInt8])] = [
            (
                "[Content_Types].xml",
                Array(
                    """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
                    <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                    <Default Extension="xml" ContentType="application/xml"/>\
                    <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
                    <Override PartName="/xl/worksheets/sheet1.xml" \
                    ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>
                    """.utf8)
            ),
            (
                "_rels/.rels",
                Array(
                    """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                    <Relationship Id="rId1" \
                    Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
                    </Relationships>
                    """.utf8)
            ),
            (
                "xl/workbook.xml",
                Array(
                    """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
                    xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
                    <sheets><sheet name="\(String(decoding: name, as: UTF8.self))" sheetId="1" r:id="rId1"/></sheets></workbook>
                    """.utf8)
            ),
            (
                "xl/_rels/workbook.xml.rels",
                Array(
                    """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                    <Relationship Id="rId1" \
                    Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
                    </Relationships>
                    """.utf8)
            ),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        return StoredZip.archive(files)
    }
}

/// A zip archive whose entries are stored, not compressed (PKWARE APPNOTE 6.3, method 0).
public enum StoredZip {
    public static func archive(_ files: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for (name, data) in files {
            let offset = UInt32(out.count)
            let crc = CRC32.checksum(data)
            let nameBytes = Array(name.utf8)
            // Local header: signature, version 2.0, flags, method 0, a fixed time (1980-01-01), crc, sizes, name.
            out += le32(0x0403_4B50)
            out += le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(crc) + le32(UInt32(data.count)) + le32(UInt32(data.count))
            out += le16(UInt16(nameBytes.count)) + le16(0) + nameBytes
            out += data
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(crc)
            central += le32(UInt32(data.count)) + le32(UInt32(data.count)) + le16(UInt16(nameBytes.count)) + le16(0) + le16(0)
            central += le16(0) + le16(0) + le32(0) + le32(offset) + nameBytes
        }
        let centralOffset = UInt32(out.count)
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(files.count)) + le16(UInt16(files.count))
        out += le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
        return out
    }

    /// The entries of an archive this type wrote (stored entries only), by name.
    public static func entries(_ zip: [UInt8]) -> [String: [UInt8]] {
        var found: [String: [UInt8]] = [:]
        var i = 0
        while i + 30 <= zip.count, read32(zip, i) == 0x0403_4B50 {
            let size = Int(read32(zip, i + 18))
            let nameLength = Int(read16(zip, i + 26))
            let extra = Int(read16(zip, i + 28))
            let start = i + 30 + nameLength + extra
            guard start + size <= zip.count else { break }
            found[String(decoding: zip[(i + 30)..<(i + 30 + nameLength)], as: UTF8.self)] = Array(zip[start..<(start + size)])
            i = start + size
        }
        return found
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }
    static func read16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func read32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(read16(b, i)) | UInt32(read16(b, i + 2)) << 16 }
}

/// CRC-32 as zip uses it (ISO 3309, reflected polynomial 0xEDB88320).
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func checksum(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        data.withUnsafeBufferPointer { bytes in
            table.withUnsafeBufferPointer { t in
                for b in bytes { crc = t[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
            }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
