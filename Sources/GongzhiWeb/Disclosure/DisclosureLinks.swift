/// The disclosure pages' addresses, built in one place so a link cannot drift from its route.
enum DisclosureLinks {
    static func disclosure(_ id: Int64) -> String { "/disclosures/\(id)" }
}
