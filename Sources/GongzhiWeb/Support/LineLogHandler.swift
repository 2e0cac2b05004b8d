import Foundation
import Logging

/// Log lines on standard error, `time level label: key=value … message`.
/// swift-log's stream handler formats its metadata whenever a key is set;
/// the server sets a request id on every request's logger, so that cost was
/// paid per request for lines that were, at the usual levels, never written.
/// Here metadata is formatted only for a line that is written.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    public init(label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit { all.merge(explicit) { _, new in new } }
        var text = Date().formatted(.iso8601) + " \(level) \(label):"
        for (key, value) in all.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
        text += " \(message)\n"
        // One write per line, so lines from several threads do not interleave.
        FileHandle.standardError.write(Data(text.utf8))
    }
}
