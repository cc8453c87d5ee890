import Foundation

/// How a party settles what it owes, in days after the due date: a customer paying the company's
/// invoices, or the company paying a vendor's bills.
enum PaymentHabit: String, Sendable, Codable, CaseIterable {
    /// A customer who pays around the due date (3 days early to 2 days late).
    case onTime = "on_time"
    /// A customer who pays about three weeks late (17 to 25 days).
    case late
    /// A customer who pays anywhere from a few days early to two months late, sometimes in two
    /// parts, and now and then not at all.
    case erratic
    /// A vendor the company pays 3 to 10 days before the due date.
    case early
    /// A vendor the company pays within a day of the due date.
    case prompt
    /// A vendor the company pays 8 to 30 days late.
    case behind

    static let customerHabits: [PaymentHabit] = [.onTime, .late, .erratic]
    static let vendorHabits: [PaymentHabit] = [.early, .prompt, .behind]

    /// Habits for `count` parties: one of each first (so every company has them all), then drawn
    /// with the weights of `habits` (in percent), in an order the seed decides.
    static func assign(_ count: Int, from habits: [PaymentHabit], weights: [Int], dice: inout SeedDice)
        -> [PaymentHabit]
    {
        var assigned = Array(habits.prefix(count))
        while assigned.count < count {
            var roll = dice.int(0...99)
            var index = 0
            while index < weights.count - 1, roll >= weights[index] {
                roll -= weights[index]
                index += 1
            }
            assigned.append(habits[index])
        }
        dice.shuffle(&assigned)
        return assigned
    }

    /// Days between the due date and the payment; `nil`: never paid.
    func delay(_ dice: inout SeedDice) -> Int? {
        switch self {
        case .onTime: return dice.int(-3...2)
        case .late: return dice.int(17...25)
        case .erratic: return dice.chance(10) ? nil : dice.int(-5...60)
        case .early: return -dice.int(3...10)
        case .prompt: return dice.int(-1...1)
        case .behind: return dice.int(8...30)
        }
    }

    /// How often (percent) an item of this party is settled in two parts.
    var splitPercent: Int { self == .erratic ? 30 : 12 }
}
