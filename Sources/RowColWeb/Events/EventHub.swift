import Foundation
import RowCol

/// Something an open page should know: a business's data changed (a sync landed, a payment went
/// out — from this server, its scheduler, or a `rowcol` in a terminal).
struct WorkbenchEvent: Sendable, Codable, Hashable {
    /// `business.changed`, or `heartbeat` (keeps proxies and browsers from closing an idle stream).
    var kind: String
    var business: BusinessID?
    /// The business's applied log seq after the change.
    var checkpoint: LogSeq?

    static let heartbeat = WorkbenchEvent(kind: "heartbeat", business: nil, checkpoint: nil)

    /// The event in the Server-Sent Events wire format.
    var wire: String {
        if kind == "heartbeat" { return ": heartbeat\n\n" }
        let data: JSONValue = [
            "business": business.map { .string($0.rawValue) } ?? .null,
            "checkpoint": checkpoint.map { .number(Decimal($0.rawValue)) } ?? .null,
        ]
        return "event: \(kind)\ndata: \(String(decoding: data.serialized(.compact), as: UTF8.self))\n\n"
    }
}

/// Fans events out to every open `/events` stream.
actor EventHub {
    private var subscribers: [Int: AsyncStream<WorkbenchEvent>.Continuation] = [:]
    private var next = 0
    private var closed = false

    /// A stream of the events from now on, and the id to ``unsubscribe(_:)`` it with.
    func subscribe() -> (Int, AsyncStream<WorkbenchEvent>) {
        let (stream, continuation) = AsyncStream<WorkbenchEvent>.makeStream(bufferingPolicy: .bufferingNewest(64))
        next += 1
        if closed {
            continuation.finish()
        } else {
            subscribers[next] = continuation
        }
        return (next, stream)
    }

    func unsubscribe(_ id: Int) {
        subscribers.removeValue(forKey: id)?.finish()
    }

    func publish(_ event: WorkbenchEvent) {
        for continuation in subscribers.values { continuation.yield(event) }
    }

    /// Ends every stream (the server is stopping), and any opened later.
    func close() {
        closed = true
        for continuation in subscribers.values { continuation.finish() }
        subscribers.removeAll()
    }

    var subscriberCount: Int { subscribers.count }
}
