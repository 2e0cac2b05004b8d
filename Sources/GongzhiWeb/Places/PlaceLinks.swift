import GongzhiCore

/// The place pages' addresses: a household has its own page, every other place the tree's.
enum PlaceLinks {
    static func place(_ place: Place) -> String { place.kind == .household ? household(place.id) : "/places/\(place.id)" }

    static func household(_ id: Int64, added: Bool = false) -> String { "/households/\(id)" + (added ? "?added=1" : "") }
}
