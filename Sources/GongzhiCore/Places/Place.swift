import Foundation

/// A node of the place tree: district → street (街道) → community (社区) →
/// grid (网格) → building → unit (单元) → household (户).
///
/// Every record belongs to a place, and every role is held over a place or an
/// organisation; the tree is what access is scoped by.
public struct Place: Sendable, Hashable, Codable {
    public var id: Int64
    public var kind: PlaceKind
    public var parentID: Int64?
    public var name: String
    /// Materialised path of ancestor ids including this one, e.g. `/1/4/17/`;
    /// a subtree is every place whose path starts with its root's path.
    public var path: String

    public init(id: Int64, kind: PlaceKind, parentID: Int64?, name: String, path: String) {
        self.id = id
        self.kind = kind
        self.parentID = parentID
        self.name = name
        self.path = path
    }

    /// The ids of this place and its ancestors, root first.
    public var lineage: [Int64] {
        path.split(separator: "/").compactMap { Int64($0) }
    }

    public func isWithin(_ ancestorPath: String) -> Bool {
        path.isPlace(within: ancestorPath)
    }

    /// The paths of a path's ancestors and itself, root first: `/1/2/` → `/1/`, `/1/2/`.
    /// The path of the ancestor at a level (the community of a household,
    /// its building …); nil when the path does not reach that deep.
    public static func ancestorPath(of path: String, at level: PlaceKind) -> String? {
        // The prefix through the slash that closes the ancestor's id: a path
        // is `/id/…/id/`, so level n ends at its (n + 2)th slash. Runs on
        // every filed appeal; splitting and joining allocated for each id.
        var slashes = 0
        for i in path.utf8.indices where path.utf8[i] == UInt8(ascii: "/") {
            slashes += 1
            if slashes == level.level + 2 { return String(path[...i]) }
        }
        return nil
    }

    public static func ancestorPaths(of path: String) -> [String] {
        var paths: [String] = []
        var current = "/"
        for id in path.split(separator: "/") {
            current += id + "/"
            paths.append(current)
        }
        return paths
    }

    public static func path(parentPath: String?, id: Int64) -> String {
        (parentPath ?? "/") + "\(id)/"
    }
}

public enum PlaceKind: String, Sendable, Codable, CaseIterable, Comparable {
    case district, street, community, grid, building, unit, household

    /// Depth in the tree; a child is always exactly one level below its parent.
    public var level: Int { Self.allCases.firstIndex(of: self)! }

    public var childKind: PlaceKind? {
        let all = Self.allCases
        return level + 1 < all.count ? all[level + 1] : nil
    }

    public static func < (lhs: PlaceKind, rhs: PlaceKind) -> Bool { lhs.level < rhs.level }
}

public enum PlaceRuleError: Error, Equatable, Sendable {
    case childKindMismatch(parent: PlaceKind, child: PlaceKind)
    case rootMustBeDistrict(PlaceKind)
    case emptyName
}

public enum PlaceRules {
    /// The tree has fixed levels so scope and statistics mean the same thing everywhere.
    public static func validateChild(_ child: PlaceKind, of parent: PlaceKind?, name: String) throws(PlaceRuleError) {
        if name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw .emptyName }
        guard let parent else {
            if child != .district { throw .rootMustBeDistrict(child) }
            return
        }
        if parent.childKind != child { throw .childKindMismatch(parent: parent, child: child) }
    }
}

extension String {
    /// Whether this place path lies in the subtree at `ancestor` (the place
    /// itself included). Paths are ASCII ids and slashes, so comparing bytes
    /// is the same test as `hasPrefix`, without its Unicode comparison: it
    /// runs for every organisation and list entry when an appeal is routed.
    public func isPlace(within ancestor: String) -> Bool {
        utf8.starts(with: ancestor.utf8)
    }
}
