extension Migration {
    /// The scanned authorisation (委托书) behind a proxy and the tally sheet behind a paper ballot, by content hash.
    static let ballotEvidence = Migration(version: 19, name: "ballot_evidence") { _ in
        [
            "ALTER TABLE consultation_proxies ADD COLUMN evidence_sha256 TEXT",
            "ALTER TABLE consultation_voters ADD COLUMN evidence_sha256 TEXT",
            "CREATE INDEX consultation_proxies_evidence ON consultation_proxies(evidence_sha256)",
            "CREATE INDEX consultation_voters_evidence ON consultation_voters(evidence_sha256)",
        ]
    }
}
