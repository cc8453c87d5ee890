import Foundation
import RowColDomain

// `plan.json` is read strictly (unknown fields refused, every value checked) and written with only
// the fields that hold something, so a hand-edited file and a written one look alike.

extension RunwayPlan: Codable {
    enum Field {
        static let top = ["bills", "cash_floor", "invoices", "one_offs", "recurring", "scenarios", "schema_version",
                          "timing"]
        static let override = ["exclude", "expect_on", "note"]
        static let item = ["amount", "direction", "name", "note", "on"]
        static let recurring = ["action", "amount", "cadence", "direction", "name", "next_on", "note", "until"]
        static let scenario = ["ar_delay_days", "ar_haircut_percent", "delayed_bills", "extra_items", "note"]
        static let delay = ["days", "on"]
        static let timing = ["haircut_after_days", "haircut_percent", "history_window", "minimum_sample"]
    }

    /// Reads a plan from any decoder (the JSON leaf's tree decoder in RowCol) and checks it.
    /// - Throws: ``PlanError`` naming the path and the field of the first problem.
    public init(from decoder: any Decoder) throws {
        let top = try PlanObject(decoder, path: "", fields: Field.top)
        schemaVersion = try top.integer("schema_version") ?? RunwayPlan.currentSchemaVersion
        guard schemaVersion <= RunwayPlan.currentSchemaVersion, schemaVersion >= 1 else {
            throw PlanError(
                path: "", field: "schema_version",
                message: schemaVersion > RunwayPlan.currentSchemaVersion
                    ? "\(schemaVersion) was written by a newer RowCol (this one reads up to "
                        + "\(RunwayPlan.currentSchemaVersion)); upgrade rowcol"
                    : "must be 1 or more")
        }
        cashFloor = try top.decimal("cash_floor")
        invoices = try top.map("invoices") { try ItemOverride(from: $0, path: $1) }
        bills = try top.map("bills") { try ItemOverride(from: $0, path: $1) }
        oneOffs = try top.map("one_offs") { try PlannedItem(from: $0, path: $1) }
        recurring = try top.map("recurring") { try RecurringEdit(from: $0, path: $1) }
        scenarios = try top.map("scenarios") { try Scenario(from: $0, path: $1) }
        timing = top.has("timing") ? try Timing(from: try top.decoder("timing"), path: "timing") : nil
        try validate()
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: PlanKey.self)
        try container.encode(schemaVersion, forKey: PlanKey("schema_version"))
        try container.encodeIfPresent(cashFloor, forKey: PlanKey("cash_floor"))
        if !invoices.isEmpty { try container.encode(invoices, forKey: PlanKey("invoices")) }
        if !bills.isEmpty { try container.encode(bills, forKey: PlanKey("bills")) }
        if !oneOffs.isEmpty { try container.encode(oneOffs, forKey: PlanKey("one_offs")) }
        if !recurring.isEmpty { try container.encode(recurring, forKey: PlanKey("recurring")) }
        if !scenarios.isEmpty { try container.encode(scenarios, forKey: PlanKey("scenarios")) }
        try container.encodeIfPresent(timing, forKey: PlanKey("timing"))
    }

    /// Checks the rules the file format cannot express; ``init(from:)`` runs it too.
    ///
    /// Ids of invoices, bills, one-offs, extra items and scenarios follow the identifier rule
    /// (`[A-Za-z0-9._-]`, 1…64, no leading dot); amounts are positive; percentages lie in 0…100;
    /// an override sets a date or an exclusion (not both); `ignore` and `change` name a detected
    /// series (`vendor:<id>` or `account:<id>`), `add` a new one with every field it needs;
    /// a scenario cannot be called `base`.
    /// - Throws: ``PlanError`` naming the path and the field.
    public func validate() throws(PlanError) {
        for (section, overrides) in [("invoices", invoices), ("bills", bills)] {
            for key in overrides.keys.sorted() {
                try Self.checkID(key, section: section, what: String(section.dropLast()) + " id")
                let override = overrides[key]!
                let path = section + "." + key
                if override.exclude && override.expectOn != nil {
                    throw PlanError(path: path, field: "exclude", message: "an excluded item has no expected date; "
                        + "remove expect_on or exclude")
                }
                if !override.exclude && override.expectOn == nil {
                    throw PlanError(path: path, message: "sets nothing; give expect_on or \"exclude\": true")
                }
            }
        }
        for key in oneOffs.keys.sorted() {
            try Self.checkID(key, section: "one_offs", what: "one-off id")
            try oneOffs[key]!.validate(path: "one_offs." + key)
        }
        for key in recurring.keys.sorted() {
            try recurring[key]!.validate(key: key, path: "recurring." + key)
        }
        for key in scenarios.keys.sorted() {
            try Self.checkID(key, section: "scenarios", what: "scenario name")
            if key == RunwayPlan.baseScenario {
                throw PlanError(path: "scenarios", field: key, message: "\"base\" means no scenario; choose another name")
            }
            try scenarios[key]!.validate(path: "scenarios." + key)
        }
        if let timing { try timing.validate() }
    }

    static func checkID(_ key: String, section: String, what: String) throws(PlanError) {
        do {
            try IdentifierRules.check(key, kind: what)
        } catch {
            throw PlanError(path: section, field: key, message: error.message)
        }
    }

    static func checkPercent(_ value: Decimal?, path: String, field: String) throws(PlanError) {
        if let value, value < 0 || value > 100 {
            throw PlanError(path: path, field: field, message: "\(value) is not a percentage from 0 to 100")
        }
    }
}

extension RunwayPlan.ItemOverride: Codable {
    init(from decoder: any Decoder, path: String) throws {
        let object = try PlanObject(decoder, path: path, fields: RunwayPlan.Field.override)
        expectOn = try object.date("expect_on")
        exclude = try object.bool("exclude") ?? false
        note = try object.string("note")
    }

    public init(from decoder: any Decoder) throws { try self.init(from: decoder, path: "") }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: PlanKey.self)
        if exclude { try container.encode(true, forKey: PlanKey("exclude")) }
        try container.encodeIfPresent(expectOn, forKey: PlanKey("expect_on"))
        try container.encodeIfPresent(note, forKey: PlanKey("note"))
    }
}

extension RunwayPlan.PlannedItem: Codable {
    init(from decoder: any Decoder, path: String) throws {
        let object = try PlanObject(decoder, path: path, fields: RunwayPlan.Field.item)
        name = try object.require(try object.string("name"), "name", "a name such as \"SBA loan\"")
        direction = try object.require(try object.choice("direction", FlowDirection.self), "direction", "\"in\" or \"out\"")
        amount = try object.require(try object.decimal("amount"), "amount", "an amount such as 1250.00")
        on = try object.require(try object.date("on"), "on", "a date (YYYY-MM-DD)")
        note = try object.string("note")
    }

    public init(from decoder: any Decoder) throws { try self.init(from: decoder, path: "") }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: PlanKey.self)
        try container.encode(amount, forKey: PlanKey("amount"))
        try container.encode(direction, forKey: PlanKey("direction"))
        try container.encode(name, forKey: PlanKey("name"))
        try container.encodeIfPresent(note, forKey: PlanKey("note"))
        try container.encode(on, forKey: PlanKey("on"))
    }

    func validate(path: String) throws(PlanError) {
        if name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw PlanError(path: path, field: "name", message: "is empty; say what the item is")
        }
        if amount <= 0 {
            throw PlanError(path: path, field: "amount", message: "\(amount) is not positive; the direction "
                + "(\"in\" or \"out\") says which way the money moves")
        }
    }
}

extension RunwayPlan.RecurringEdit: Codable {
    init(from decoder: any Decoder, path: String) throws {
        let object = try PlanObject(decoder, path: path, fields: RunwayPlan.Field.recurring)
        action = try object.require(try object.choice("action", Action.self), "action",
                                    "\"ignore\", \"change\" or \"add\"")
        name = try object.string("name")
        direction = try object.choice("direction", FlowDirection.self)
        cadence = try object.choice("cadence", Cadence.self)
        amount = try object.decimal("amount")
        nextOn = try object.date("next_on")
        until = try object.date("until")
        note = try object.string("note")
    }

    public init(from decoder: any Decoder) throws { try self.init(from: decoder, path: "") }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: PlanKey.self)
        try container.encode(action.rawValue, forKey: PlanKey("action"))
        try container.encodeIfPresent(amount, forKey: PlanKey("amount"))
        try container.encodeIfPresent(cadence, forKey: PlanKey("cadence"))
        try container.encodeIfPresent(direction, forKey: PlanKey("direction"))
        try container.encodeIfPresent(name, forKey: PlanKey("name"))
        try container.encodeIfPresent(nextOn, forKey: PlanKey("next_on"))
        try container.encodeIfPresent(note, forKey: PlanKey("note"))
        try container.encodeIfPresent(until, forKey: PlanKey("until"))
    }

    /// Whether `key` names a detected series (`vendor:<id>` or `account:<id>`).
    public static func isDetectedKey(_ key: String) -> Bool {
        for prefix in ["vendor:", "account:"] where key.hasPrefix(prefix) && key.count > prefix.count { return true }
        return false
    }

    func validate(key: String, path: String) throws(PlanError) {
        let detected = Self.isDetectedKey(key)
        switch action {
        case .ignore, .change:
            guard detected else {
                throw PlanError(path: "recurring", field: key, message: "\(action.rawValue) applies to a detected "
                    + "series, named vendor:<id> or account:<id> as the snapshot's recurring list shows; "
                    + "use \"action\": \"add\" for a series of your own")
            }
            let extras: [(String, Bool)] = [("name", name != nil), ("direction", direction != nil)]
                + (action == .ignore ? [("amount", amount != nil), ("cadence", cadence != nil),
                                        ("next_on", nextOn != nil), ("until", until != nil)] : [])
            if let extra = extras.first(where: \.1) {
                throw PlanError(path: path, field: extra.0, message: "does not apply to \(action.rawValue)")
            }
            if action == .change && amount == nil && cadence == nil && nextOn == nil && until == nil {
                throw PlanError(path: path, message: "change sets nothing; give amount, cadence, next_on or until")
            }
        case .add:
            if detected {
                throw PlanError(path: "recurring", field: key, message: "vendor: and account: name detected series; "
                    + "give a series of your own another id")
            }
            do {
                try IdentifierRules.check(key, kind: "recurring id")
            } catch {
                throw PlanError(path: "recurring", field: key, message: error.message)
            }
            if name?.trimmingCharacters(in: .whitespaces).isEmpty != false {
                throw PlanError(path: path, field: "name", message: "is missing; say what the series is")
            }
            if direction == nil { throw PlanError(path: path, field: "direction", message: "is missing; \"in\" or \"out\"") }
            if cadence == nil {
                throw PlanError(path: path, field: "cadence", message: "is missing; one of "
                    + Cadence.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if nextOn == nil { throw PlanError(path: path, field: "next_on", message: "is missing; a date (YYYY-MM-DD)") }
            if amount == nil { throw PlanError(path: path, field: "amount", message: "is missing; an amount such as 1250.00") }
        }
        if let amount, amount <= 0 {
            throw PlanError(path: path, field: "amount", message: "\(amount) is not positive")
        }
        if let until, let nextOn, until < nextOn {
            throw PlanError(path: path, field: "until", message: "\(until) is before next_on \(nextOn)")
        }
    }
}

extension RunwayPlan.Scenario: Codable {
    init(from decoder: any Decoder, path: String) throws {
        let object = try PlanObject(decoder, path: path, fields: RunwayPlan.Field.scenario)
        arDelayDays = try object.integer("ar_delay_days")
        arHaircutPercent = try object.decimal("ar_haircut_percent")
        delayedBills = try object.map("delayed_bills") { try RunwayPlan.BillDelay(from: $0, path: $1) }
        extraItems = try object.map("extra_items") { try RunwayPlan.PlannedItem(from: $0, path: $1) }
        note = try object.string("note")
    }

    public init(from decoder: any Decoder) throws { try self.init(from: decoder, path: "") }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: PlanKey.self)
        try container.encodeIfPresent(arDelayDays, forKey: PlanKey("ar_delay_days"))
        try container.encodeIfPresent(arHaircutPercent, forKey: PlanKey("ar_haircut_percent"))
        if !delayedBills.isEmpty { try container.encode(delayedBills, forKey: PlanKey("delayed_bills")) }
        if !extraItems.isEmpty { try container.encode(extraItems, forKey: PlanKey("extra_items")) }
        try container.encodeIfPresent(note, forKey: PlanKey("note"))
    }

    func validate(path: String) throws(PlanError) {
        if let days = arDelayDays, abs(days) > 366 {
            throw PlanError(path: path, field: "ar_delay_days", message: "\(days) is more than a year; give -366…366")
        }
        try RunwayPlan.checkPercent(arHaircutPercent, path: path, field: "ar_haircut_percent")
        for key in delayedBills.keys.sorted() {
            try RunwayPlan.checkID(key, section: path + ".delayed_bills", what: "bill id")
            let delay = delayedBills[key]!
            let at = path + ".delayed_bills." + key
            switch (delay.days, delay.on) {
            case (nil, nil): throw PlanError(path: at, message: "sets nothing; give days or on")
            case (.some, .some): throw PlanError(path: at, field: "on", message: "give days or on, not both")
            case (let days?, nil) where abs(days) > 366:
                throw PlanError(path: at, field: "days", message: "\(days) is more than a year; give -366…366")
            default: break
            }
        }
        for key in extraItems.keys.sorted() {
            try RunwayPlan.checkID(key, section: path + ".extra_items", what: "item id")
            try extraItems[key]!.validate(path: path + ".extra_items." + key)
        }
    }
}

extension RunwayPlan.BillDelay: Codable {
    init(from decoder: any Decoder, path: String) throws {
        let object = try PlanObject(decoder, path: path, fields: RunwayPlan.Field.delay)
        days = try object.integer("days")
        on = try object.date("on")
    }

    public init(from decoder: any Decoder) throws { try self.init(from: decoder, path: "") }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: PlanKey.self)
        try container.encodeIfPresent(days, forKey: PlanKey("days"))
        try container.encodeIfPresent(on, forKey: PlanKey("on"))
    }
}

extension RunwayPlan.Timing: Codable {
    init(from decoder: any Decoder, path: String) throws {
        let object = try PlanObject(decoder, path: path, fields: RunwayPlan.Field.timing)
        haircutAfterDays = try object.integer("haircut_after_days")
        haircutPercent = try object.decimal("haircut_percent")
        minimumSample = try object.integer("minimum_sample")
        historyWindow = try object.integer("history_window")
    }

    public init(from decoder: any Decoder) throws { try self.init(from: decoder, path: "timing") }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: PlanKey.self)
        try container.encodeIfPresent(haircutAfterDays, forKey: PlanKey("haircut_after_days"))
        try container.encodeIfPresent(haircutPercent, forKey: PlanKey("haircut_percent"))
        try container.encodeIfPresent(historyWindow, forKey: PlanKey("history_window"))
        try container.encodeIfPresent(minimumSample, forKey: PlanKey("minimum_sample"))
    }

    func validate() throws(PlanError) {
        if let days = haircutAfterDays, days < 0 {
            throw PlanError(path: "timing", field: "haircut_after_days", message: "\(days) is negative")
        }
        try RunwayPlan.checkPercent(haircutPercent, path: "timing", field: "haircut_percent")
        if let sample = minimumSample, sample < 1 {
            throw PlanError(path: "timing", field: "minimum_sample", message: "must be 1 or more")
        }
        if let window = historyWindow, window < 1 {
            throw PlanError(path: "timing", field: "history_window", message: "must be 1 or more")
        }
    }
}
