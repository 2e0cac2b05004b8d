/// The consultation pages' addresses, built in one place so a link cannot drift from its route.
enum ConsultationLinks {
    /// The page's sections a form returns to.
    enum Section: String {
        case ballot, deliberation, opinions, result, actions, entries, organiser
    }

    static func consultation(_ id: Int64, _ section: Section? = nil) -> String {
        "/consultations/\(id)" + (section.map { "#\($0.rawValue)" } ?? "")
    }

    /// The waiting vote entries, saying what was just done (a word from a fixed set, nothing personal).
    static func entries(_ id: Int64, done: String) -> String { "/consultations/\(id)?done=\(done)#entries" }

    static func entryEvidence(_ id: Int64, entry: Int64) -> String { "/consultations/\(id)/entries/\(entry)/evidence" }

    static func proposal(_ id: Int64) -> String { "/proposals/\(id)" }
}
