import Foundation

/// Something wrong in a plan: where (the file, the path inside it, the field) and what.
///
/// ```text
/// advisors/ada/businesses/acme/plan.json: invoices.130, field "expect_on": "2026-13-01" is not a date; write YYYY-MM-DD
/// ```
public struct PlanError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The plan file, relative to the workspace, when known (the caller that read it sets it).
    public var file: String?
    /// The path of the object at fault inside the file, dot-separated (`scenarios.slow.delayed_bills.55`);
    /// empty for the top level.
    public var path: String
    /// The field at fault in that object, when the problem is one field.
    public var field: String?
    /// What is wrong and how to fix it.
    public var message: String

    /// A problem at `path`/`field`.
    public init(file: String? = nil, path: String, field: String? = nil, message: String) {
        self.file = file
        self.path = path
        self.field = field
        self.message = message
    }

    /// `scenarios.slow.ar_delay_days`: the path and field joined.
    public var location: String {
        switch (path.isEmpty, field) {
        case (true, nil): "the top level"
        case (true, let field?): field
        case (false, nil): path
        case (false, let field?): path + "." + field
        }
    }

    public var description: String {
        var text = file.map { $0 + ": " } ?? ""
        if path.isEmpty {
            text += field.map { "field \"\($0)\": " } ?? ""
        } else {
            text += path + (field.map { ", field \"\($0)\"" } ?? "") + ": "
        }
        return text + message
    }

    /// The same problem, naming `file`.
    public func inFile(_ file: String) -> PlanError {
        var copy = self
        copy.file = file
        return copy
    }
}
