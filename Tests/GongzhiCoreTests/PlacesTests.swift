import GongzhiCore
import Testing

@Suite("Places and areas")
struct PlacesTests {
    @Test("areas parse exactly, in square centimetres")
    func areaParsing() {
        #expect(Area(squareMetres: "89.5")?.squareCentimetres == 895_000)
        #expect(Area(squareMetres: "120.0725")?.squareCentimetres == 1_200_725)
        #expect(Area(squareMetres: "0.0001")?.squareCentimetres == 1)
        #expect(Area(squareMetres: "88")?.squareCentimetres == 880_000)
        #expect(Area(squareMetres: "1.23456") == nil)
        #expect(Area(squareMetres: "-3") == nil)
        #expect(Area(squareMetres: "abc") == nil)
        #expect(Area(squareMetres: "1e3") == nil)
    }

    @Test("sums of areas have no rounding error")
    func areaSums() {
        // 0.1 + 0.2 in floating point is not 0.3; in square centimetres it is.
        let total = [Area(squareMetres: "0.1")!, Area(squareMetres: "0.2")!].reduce(.zero, +)
        #expect(total == Area(squareMetres: "0.3")!)
        #expect(Area(squareMetres: "89.456")!.description == "89.46")
        #expect(Area(squareMetres: "100.05")!.description == "100.05")
    }

    @Test("the tree has fixed levels")
    func treeLevels() throws {
        try PlaceRules.validateChild(.district, of: nil, name: "和平区")
        try PlaceRules.validateChild(.household, of: .unit, name: "101室")
        #expect(throws: PlaceRuleError.childKindMismatch(parent: .community, child: .building)) {
            try PlaceRules.validateChild(.building, of: .community, name: "1号楼")
        }
        #expect(throws: PlaceRuleError.rootMustBeDistrict(.street)) { try PlaceRules.validateChild(.street, of: nil, name: "东华街道") }
        #expect(throws: PlaceRuleError.emptyName) { try PlaceRules.validateChild(.unit, of: .building, name: " ") }
    }

    @Test("paths give lineage and containment")
    func paths() {
        let p = Place(id: 17, kind: .building, parentID: 4, name: "1号楼", path: "/1/2/4/17/")
        #expect(p.lineage == [1, 2, 4, 17])
        #expect(p.isWithin("/1/2/"))
        #expect(!p.isWithin("/1/3/"))
        // "/1/2/" must not contain "/1/23/": the trailing slash separates ids.
        #expect(!Place(id: 23, kind: .street, parentID: 1, name: "x", path: "/1/23/").isWithin("/1/2/"))
    }

    @Test("an ancestor's path is the path's prefix through that level; none above the path's own depth")
    func ancestorPaths() {
        let household = "/1/2/3/4/5/6/7/"
        #expect(Place.ancestorPath(of: household, at: .district) == "/1/")
        #expect(Place.ancestorPath(of: household, at: .community) == "/1/2/3/")
        #expect(Place.ancestorPath(of: household, at: .household) == household)
        #expect(Place.ancestorPath(of: "/10/20/300/", at: .community) == "/10/20/300/")
        #expect(Place.ancestorPath(of: "/10/20/", at: .community) == nil)
        #expect(Place.ancestorPath(of: "/", at: .district) == nil)
        #expect(
            "/1/2/3/".isPlace(within: "/1/2/") && "/1/2/".isPlace(within: "/1/2/") && !"/1/23/".isPlace(within: "/1/2/")
                && !"/1/".isPlace(within: "/1/2/"))
    }
}
