import ArgumentParser
import Foundation
import RowCol

/// `rowcol plan …`: the advisor's assumptions about a business, kept in its `plan.json`.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show or edit a business's plan: expected dates, exclusions, one-offs, recurring edits, a floor, scenarios.",
        discussion: """
            The plan lives in advisors/<a>/businesses/<b>/plan.json: plain JSON with sorted keys, \
            fine to edit by hand and to keep in git. Every edit reads it, checks it and writes it back \
            atomically under the advisor's lock. A plan that cannot be read is never overwritten: \
            `plan show` and every edit fail with the file, the path inside it and the field, while \
            `snapshot` keeps answering without the plan and carries a plan.invalid flag. Amounts are \
            in the business's home currency.
            """,
        subcommands: [
            PlanShowCommand.self, PlanExpectCommand.self, PlanExcludeCommand.self, PlanAddCommand.self,
            PlanRemoveCommand.self, PlanRecurringCommand.self, PlanFloorCommand.self, PlanScenarioCommand.self,
        ])
}

/// Options every plan command shares.
struct PlanOptions: ParsableArguments {
    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @OptionGroup var business: BusinessOption
    @Option(help: ArgumentHelp("Seconds to wait when another rowcol holds the advisor.", valueName: "seconds"))
    var waitLock: Int = 30
    @OptionGroup var output: JSONFlag

    /// Applies `change` to the plan and prints what it now holds.
    func edit(_ done: String, _ change: @escaping (inout RunwayPlan) throws -> Void) async throws {
        let business = try self.business.id
        let (plan, file) = try await withSession(workspace, advisor, waitingUpTo: waitLock) { session in
            (try await session.plans.edit(business, change), session.plans.fileName(of: business))
        }
        if output.json { return try printJSON(plan) }
        print("\(done); \(file) saved")
    }
}

/// `--invoice ID | --bill ID`.
struct PlanItemOption: ParsableArguments {
    @Option(help: ArgumentHelp("An open invoice's QBO id.", valueName: "id")) var invoice: String?
    @Option(help: ArgumentHelp("An open bill's QBO id.", valueName: "id")) var bill: String?

    func resolve() throws -> (PlanItemKind, EntityID) {
        switch (invoice, bill) {
        case (let id?, nil): return (.invoice, try parseID(EntityID.self, id))
        case (nil, let id?): return (.bill, try parseID(EntityID.self, id))
        default: throw ValidationError("give exactly one of --invoice ID or --bill ID")
        }
    }
}

struct PlanShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print the plan; fail with the problem when plan.json cannot be read.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @OptionGroup var business: BusinessOption
    @OptionGroup var output: JSONFlag

    func run() async throws {
        let workspace = try self.workspace.open()
        let ref = BusinessRef(advisor: try advisor.resolve(in: workspace), business: try business.id)
        let load = try PlanLoad.read(workspace, ref)
        if let problem = load.problem { throw CommandError(problem.description) }
        let plan = load.plan ?? .empty
        if output.json { return try printJSON(plan) }
        print(PlanText.render(plan, file: workspace.planFileName(ref)))
    }
}

struct PlanExpectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expect", abstract: "Expect an open invoice or bill on a date (or --clear it).")

    @OptionGroup var options: PlanOptions
    @OptionGroup var item: PlanItemOption
    @Option(name: .customLong("on"), help: ArgumentHelp("The day the cash moves.", valueName: "YYYY-MM-DD")) var on: String?
    @Flag(help: "Remove the expected date.") var clear = false
    @Option(help: ArgumentHelp("Why (kept in the plan).", valueName: "text")) var note: String?

    func run() async throws {
        let (kind, id) = try item.resolve()
        guard (on == nil) == clear else { throw ValidationError("give --on YYYY-MM-DD or --clear") }
        let date = try on.map { try parseDate($0, option: "--on") }
        try await options.edit(date.map { "\(kind.rawValue) \(id) expected on \($0)" } ?? "\(kind.rawValue) \(id): date cleared") {
            $0.expect(kind, id, on: date, note: note)
        }
    }
}

struct PlanExcludeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exclude", abstract: "Leave an open invoice or bill out of the projection (or --undo).")

    @OptionGroup var options: PlanOptions
    @OptionGroup var item: PlanItemOption
    @Flag(help: "Put it back into the projection.") var undo = false
    @Option(help: ArgumentHelp("Why (kept in the plan).", valueName: "text")) var note: String?

    func run() async throws {
        let (kind, id) = try item.resolve()
        try await options.edit("\(kind.rawValue) \(id) \(undo ? "back in" : "excluded from") the projection") {
            $0.exclude(kind, id, !undo, note: note)
        }
    }
}

struct PlanAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a one-off item (a loan, a tax payment), or with --every a recurring one of your own.",
        discussion: "Example: rowcol plan add --business acme --id loan --name \"SBA loan\" --in --amount 25000 --on 2027-01-05")

    @OptionGroup var options: PlanOptions
    @Option(help: ArgumentHelp("The item's id in the plan (letters, digits, . _ -).", valueName: "id")) var id: String
    @Option(help: ArgumentHelp("What it is.", valueName: "text")) var name: String
    @Flag(name: .customLong("in"), help: "Money coming in.") var inflow = false
    @Flag(name: .customLong("out"), help: "Money going out.") var outflow = false
    @Option(help: ArgumentHelp("The amount, positive, e.g. 25000.00.", valueName: "decimal")) var amount: String
    @Option(name: .customLong("on"), help: ArgumentHelp("The day (the first one with --every).", valueName: "YYYY-MM-DD"))
    var on: String
    @Option(help: ArgumentHelp("Repeat: weekly, biweekly, semi_monthly, monthly or quarterly.", valueName: "cadence"))
    var every: String?
    @Option(help: ArgumentHelp("With --every: the last day an occurrence may fall on.", valueName: "YYYY-MM-DD"))
    var until: String?
    @Option(help: ArgumentHelp("A note.", valueName: "text")) var note: String?

    func run() async throws {
        guard inflow != outflow else { throw ValidationError("give --in or --out") }
        let direction: FlowDirection = inflow ? .inflow : .outflow
        guard let value = Money.parseDecimal(amount) else {
            throw ValidationError("invalid --amount \"\(amount)\": expected a decimal such as 1250.00")
        }
        let date = try parseDate(on, option: "--on")
        let last = try until.map { try parseDate($0, option: "--until") }
        if let every {
            let cadence = try parseCadence(every)
            try await options.edit("recurring \(id) added: \(cadence.words) from \(date)") {
                try $0.setRecurring(id, RunwayPlan.RecurringEdit(
                    action: .add, name: name, direction: direction, cadence: cadence, amount: value, nextOn: date,
                    until: last, note: note))
            }
        } else {
            guard last == nil else { throw ValidationError("--until needs --every") }
            try await options.edit("one-off \(id) added on \(date)") {
                try $0.setOneOff(id, .init(name: name, direction: direction, amount: value, on: date, note: note))
            }
        }
    }
}

struct PlanRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a one-off item or a recurring entry of the plan by its id or key.")

    @OptionGroup var options: PlanOptions
    @Option(help: ArgumentHelp("The one-off's id or the recurring key.", valueName: "id")) var id: String

    func run() async throws {
        let id = self.id
        try await options.edit("\(id) removed") { plan in
            guard plan.oneOffs[id] != nil || plan.recurring[id] != nil else {
                throw CommandError("the plan has no one-off or recurring entry \"\(id)\"")
            }
            try plan.setOneOff(id, nil)
            try plan.setRecurring(id, nil)
        }
    }
}

struct PlanRecurringCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recurring",
        abstract: "Ignore or change a detected recurring flow (its key from the snapshot), or --clear the edit.")

    @OptionGroup var options: PlanOptions
    @Option(help: ArgumentHelp("The series, as the snapshot names it: vendor:<id> or account:<id>.", valueName: "key"))
    var key: String
    @Flag(help: "Leave the series out of the projection.") var ignore = false
    @Option(help: ArgumentHelp("A new amount per occurrence.", valueName: "decimal")) var amount: String?
    @Option(help: ArgumentHelp("A new cadence.", valueName: "cadence")) var cadence: String?
    @Option(help: ArgumentHelp("The next occurrence.", valueName: "YYYY-MM-DD")) var nextOn: String?
    @Option(help: ArgumentHelp("The last day an occurrence may fall on.", valueName: "YYYY-MM-DD")) var until: String?
    @Flag(help: "Remove the plan's edit of this series.") var clear = false
    @Option(help: ArgumentHelp("Why.", valueName: "text")) var note: String?

    func run() async throws {
        let key = self.key
        let changes = amount != nil || cadence != nil || nextOn != nil || until != nil
        guard [ignore, changes, clear].filter({ $0 }).count == 1 else {
            throw ValidationError("give --ignore, --clear, or what changes (--amount, --cadence, --next-on, --until)")
        }
        let edit: RunwayPlan.RecurringEdit?
        if clear {
            edit = nil
        } else if ignore {
            edit = .ignore(note: note)
        } else {
            edit = RunwayPlan.RecurringEdit(
                action: .change, cadence: try cadence.map(parseCadence),
                amount: try amount.map { text in
                    guard let value = Money.parseDecimal(text) else {
                        throw ValidationError("invalid --amount \"\(text)\": expected a decimal such as 1250.00")
                    }
                    return value
                },
                nextOn: try nextOn.map { try parseDate($0, option: "--next-on") },
                until: try until.map { try parseDate($0, option: "--until") }, note: note)
        }
        try await options.edit("recurring \(key) \(clear ? "edit cleared" : ignore ? "ignored" : "changed")") {
            try $0.setRecurring(key, edit)
        }
    }
}

struct PlanFloorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor", abstract: "Set the cash floor: the first week projected below it raises the alert.")

    @OptionGroup var options: PlanOptions
    @Argument(help: ArgumentHelp("The floor in the home currency, e.g. 5000.", valueName: "amount")) var amount: String?
    @Flag(help: "Back to the default floor, 0.") var clear = false

    func run() async throws {
        guard (amount == nil) == clear else { throw ValidationError("give an amount or --clear") }
        let value = try amount.map { text in
            guard let value = Money.parseDecimal(text) else {
                throw ValidationError("invalid amount \"\(text)\": expected a decimal such as 5000.00")
            }
            return value
        }
        try await options.edit(value.map { "cash floor set to \(DisplayFormat.amount($0))" } ?? "cash floor cleared (0)") {
            $0.cashFloor = value
        }
    }
}

struct PlanScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "Create or change a named scenario (or --remove it); see it with `snapshot --scenario NAME`.",
        discussion: """
            Options given change the scenario; the others keep their value. Examples:
              rowcol plan scenario --business acme --name slow --ar-delay-days 14 --ar-haircut-percent 10
              rowcol plan scenario --business acme --name slow --delay-bill 55=30 --delay-bill 56@2027-01-10
              rowcol plan scenario --business acme --name slow --extra tax,out,8000,2027-01-15,"Q4 tax"
            """)

    @OptionGroup var options: PlanOptions
    @Option(help: ArgumentHelp("The scenario's name (letters, digits, . _ -; not \"base\").", valueName: "name"))
    var name: String
    @Option(help: ArgumentHelp("Every open invoice this many days later.", valueName: "days")) var arDelayDays: Int?
    @Option(help: ArgumentHelp("This percent of every invoice receipt not collected.", valueName: "percent"))
    var arHaircutPercent: String?
    @Option(help: ArgumentHelp("A bill paid later: ID=DAYS or ID@YYYY-MM-DD (repeatable).", valueName: "bill"))
    var delayBill: [String] = []
    @Option(help: ArgumentHelp("An extra item: ID,in|out,AMOUNT,YYYY-MM-DD[,NAME] (repeatable).", valueName: "item"))
    var extra: [String] = []
    @Option(help: ArgumentHelp("What the scenario stands for.", valueName: "text")) var note: String?
    @Flag(help: "Remove the scenario.") var remove = false

    func run() async throws {
        let name = self.name
        var delays: [String: RunwayPlan.BillDelay] = [:]
        for text in delayBill {
            if let at = text.firstIndex(of: "@") {
                delays[String(text[..<at])] = .init(on: try parseDate(String(text[text.index(after: at)...]), option: "--delay-bill"))
            } else if let equals = text.firstIndex(of: "="), let days = Int(text[text.index(after: equals)...]) {
                delays[String(text[..<equals])] = .init(days: days)
            } else {
                throw ValidationError("invalid --delay-bill \"\(text)\": expected ID=DAYS or ID@YYYY-MM-DD")
            }
        }
        var extras: [String: RunwayPlan.PlannedItem] = [:]
        for text in extra {
            let parts = text.split(separator: ",", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 4, let direction = FlowDirection(rawValue: parts[1]),
                let amount = Money.parseDecimal(parts[2]), let date = LocalDate(parts[3])
            else { throw ValidationError("invalid --extra \"\(text)\": expected ID,in|out,AMOUNT,YYYY-MM-DD[,NAME]") }
            extras[parts[0]] = .init(name: parts.count > 4 ? parts[4] : parts[0], direction: direction, amount: amount, on: date)
        }
        let haircut = try arHaircutPercent.map { text in
            guard let value = Money.parseDecimal(text) else {
                throw ValidationError("invalid --ar-haircut-percent \"\(text)\": expected a number from 0 to 100")
            }
            return value
        }
        let delayDays = arDelayDays
        let note = self.note
        let remove = self.remove
        try await options.edit("scenario \(name) \(remove ? "removed" : "saved")") { plan in
            if remove {
                guard plan.scenarios[name] != nil else { throw CommandError("the plan has no scenario \"\(name)\"") }
                return try plan.setScenario(name, nil)
            }
            var scenario = plan.scenarios[name] ?? .init()
            if let delayDays { scenario.arDelayDays = delayDays == 0 ? nil : delayDays }
            if let haircut { scenario.arHaircutPercent = haircut == 0 ? nil : haircut }
            scenario.delayedBills.merge(delays) { $1 }
            scenario.extraItems.merge(extras) { $1 }
            if let note { scenario.note = note.isEmpty ? nil : note }
            try plan.setScenario(name, scenario)
        }
    }
}

func parseCadence(_ text: String) throws -> Cadence {
    guard let cadence = Cadence(rawValue: text) else {
        throw ValidationError("invalid cadence \"\(text)\": expected one of "
            + Cadence.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return cadence
}

/// `rowcol plan show` in words.
enum PlanText {
    static func render(_ plan: RunwayPlan, file: String) -> String {
        var lines = ["Plan (\(file))"]
        if plan.isEmpty {
            lines.append("  empty: the runway uses the books and the history alone")
            return lines.joined(separator: "\n")
        }
        lines.append("  cash floor: " + (plan.cashFloor.map { DisplayFormat.amount($0) } ?? "0 (default)"))
        for kind in PlanItemKind.allCases {
            for (id, entry) in plan[overrides: kind].sorted(by: { $0.key < $1.key }) {
                let what = entry.exclude ? "excluded" : "expected on \(entry.expectOn.map { "\($0)" } ?? "?")"
                lines.append("  \(kind.rawValue) \(id): \(what)" + (entry.note.map { " (\($0))" } ?? ""))
            }
        }
        for (id, item) in plan.oneOffs.sorted(by: { $0.key < $1.key }) {
            lines.append("  one-off \(id): \(item.name), \(item.direction.rawValue) \(DisplayFormat.amount(item.amount)) "
                + "on \(item.on)" + (item.note.map { " (\($0))" } ?? ""))
        }
        for (key, edit) in plan.recurring.sorted(by: { $0.key < $1.key }) {
            var parts: [String] = [edit.action.rawValue]
            if let name = edit.name { parts.append(name) }
            if let direction = edit.direction { parts.append(direction.rawValue) }
            if let cadence = edit.cadence { parts.append(cadence.words) }
            if let amount = edit.amount { parts.append(DisplayFormat.amount(amount)) }
            if let next = edit.nextOn { parts.append("next on \(next)") }
            if let until = edit.until { parts.append("until \(until)") }
            lines.append("  recurring \(key): " + parts.joined(separator: ", ") + (edit.note.map { " (\($0))" } ?? ""))
        }
        for (name, scenario) in plan.scenarios.sorted(by: { $0.key < $1.key }) {
            var parts: [String] = []
            if let days = scenario.arDelayDays { parts.append("invoices \(days) days later") }
            if let percent = scenario.arHaircutPercent { parts.append("\(percent)% less collected") }
            for (id, delay) in scenario.delayedBills.sorted(by: { $0.key < $1.key }) {
                parts.append("bill \(id) " + (delay.days.map { "\($0) days later" } ?? delay.on.map { "on \($0)" } ?? ""))
            }
            for (id, item) in scenario.extraItems.sorted(by: { $0.key < $1.key }) {
                parts.append("\(id): \(item.name) \(item.direction.rawValue) \(DisplayFormat.amount(item.amount)) on \(item.on)")
            }
            lines.append("  scenario \(name): " + (parts.isEmpty ? "changes nothing" : parts.joined(separator: "; "))
                + (scenario.note.map { " (\($0))" } ?? ""))
        }
        if let timing = plan.timing {
            var parts: [String] = []
            if let days = timing.haircutAfterDays { parts.append("haircut after \(days) days overdue") }
            if let percent = timing.haircutPercent { parts.append("haircut \(percent)%") }
            if let sample = timing.minimumSample { parts.append("minimum sample \(sample)") }
            if let window = timing.historyWindow { parts.append("history window \(window)") }
            lines.append("  timing: " + parts.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
