import Foundation
import Hummingbird
import Logging
import NIOCore

/// The per-request context of the workbench: Hummingbird's core storage plus how the request proved
/// it may be answered.
public struct WorkbenchContext: RequestContext {
    /// How a request was authenticated.
    public enum Authentication: Sendable {
        /// The session cookie (a browser): state changes need the CSRF token too.
        case cookie
        /// `Authorization: Bearer` (a script): no CSRF token needed.
        case bearer
        /// A QBO webhook, which proves itself by its signature instead.
        case webhookSignature
    }

    public var coreContext: CoreRequestContextStorage
    /// Set by the access check; `nil` until then.
    public var authentication: Authentication?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
    }
}
