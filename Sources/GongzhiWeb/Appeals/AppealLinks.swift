/// The appeal pages' addresses, built in one place so a link cannot drift from its route.
enum AppealLinks {
    static func appeal(_ id: Int64) -> String { "/appeals/\(id)" }

    static func photo(_ id: Int64, sha256: String) -> String { "/appeals/\(id)/photos/\(sha256)" }
}
