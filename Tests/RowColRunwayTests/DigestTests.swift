import Foundation
import RowColDomain
import RowColRunway
import Testing

/// The digest from transitions: one line per change a person cares about, each with its log seq.
struct DigestTests {
    static let start = Fixture.asOf.addingTimeInterval(-7 * 86_400)

    static func transition(_ seq: UInt64, _ before: DigestTransition.Value?, _ after: DigestTransition.Value?,
                           at: Date = Fixture.asOf.addingTimeInterval(-3600)) -> DigestTransition {
        DigestTransition(seq: seq, at: at, business: Fixture.business.business, before: before, after: after)
    }

    static func digest(_ transitions: [DigestTransition], flags: [HygieneFlag] = [], then: RunwaySnapshot? = nil,
                       lineLimit: Int = 200) -> Digest {
        let now = Fixture.snapshot(balances: [Fixture.bank("1", Fixture.usd("900.00"))], flags: flags)
        return Digest(
            advisor: Fixture.advisor, since: "2026-11-23", sinceInstant: start, asOf: Fixture.asOf,
            sections: [.init(business: now.business, transitions: transitions, now: now, then: then)], lineLimit: lineLimit)
    }

    @Test func eachKindOfChangeIsOneLineWithItsSeq() throws {
        let open = Fixture.bill("7", due: Fixture.day(3), balance: Fixture.usd("120.00"), vendor: "Pipes Ltd")
        var paid = open
        paid.balance = Fixture.usd("0.00")
        var moved = open
        moved.dueDate = Fixture.day(10)
        let invoice = Fixture.invoice("9", due: Fixture.day(-5), balance: Fixture.usd("300.00"), customer: "Bob")
        var part = invoice
        part.balance = Fixture.usd("100.00")
        let pending = Fixture.payment("p1", bill: "7", amount: Fixture.usd("120.00"), payOn: Fixture.day(0))
        var sent = pending
        sent.state = .sent
        sent.qboID = "43"
        let bank = Fixture.bank("1", Fixture.usd("1000.00"))
        let lower = Fixture.bank("1", Fixture.usd("880.00"))
        let digest = Self.digest([
            Self.transition(11, nil, .bill(open)),
            Self.transition(12, .bill(open), .bill(moved)),
            Self.transition(13, .invoice(invoice), .invoice(part)),
            Self.transition(14, nil, .payment(pending)),
            Self.transition(15, .payment(pending), .payment(sent)),
            Self.transition(16, .bill(moved), .bill(paid)),
            Self.transition(17, .balance(bank), .balance(lower)),
            Self.transition(18, .invoice(part), nil),
            Self.transition(19, .bill(paid), .bill(paid)),  // QBO's body changed, not the domain value: no line
        ])
        let section = try #require(digest.businesses.first)
        #expect(section.lines.map(\.seq) == [11, 12, 13, 14, 15, 16, 17, 18])
        #expect(section.lines.map(\.kind.rawValue) == [
            "bill.new", "bill.changed", "invoice.changed", "payment.scheduled", "payment.sent", "bill.paid", "cash.moved",
            "invoice.deleted",
        ])
        #expect(section.lines[0].text.contains("Pipes Ltd") && section.lines[0].text.contains("due 2026-12-03"))
        #expect(section.lines[1].text.contains("due 2026-12-03 → 2026-12-10"))
        #expect(section.lines[2].text.contains("part paid"))
        #expect(section.lines[4].text.contains("BillPayment 43"))
        #expect(section.lines[6].amount == Fixture.usd("-120.00"), "a cash move carries its delta")
        #expect(section.counts["bill.paid"] == 1)
        #expect(section.omitted == 0)
    }

    @Test func changesBeforeTheStartAreLeftOutAndTheLimitKeepsCountsExact() throws {
        let bills = (1...5).map { Fixture.bill(String($0), due: Fixture.day($0), balance: Fixture.usd("10.00")) }
        var transitions = bills.enumerated().map { Self.transition(UInt64($0.offset + 2), nil, .bill($0.element)) }
        transitions.insert(Self.transition(1, nil, .bill(Fixture.bill("old", due: nil, balance: Fixture.usd("1.00"))),
                                           at: Self.start.addingTimeInterval(-1)), at: 0)
        let digest = Self.digest(transitions, lineLimit: 3)
        let section = try #require(digest.businesses.first)
        #expect(section.lines.map(\.seq) == [2, 3, 4])
        #expect(section.omitted == 2)
        #expect(section.counts["bill.new"] == 5)
    }

    @Test func flagsRaisedSinceTheStartAreLinesWithoutASeqAndRunwayDeltasAreGiven() throws {
        let recent = HygieneFlag(code: .railOffline, business: Fixture.business.business, since: Fixture.asOf.addingTimeInterval(-60),
                                 message: "QBO could not be reached")
        let older = HygieneFlag(code: .mirrorStale, business: Fixture.business.business, entity: .bill,
                                since: Self.start.addingTimeInterval(-60), message: "old")
        let then = Fixture.snapshot(balances: [Fixture.bank("1", Fixture.usd("5000.00"))])
        let digest = Self.digest([], flags: [recent, older], then: then)
        let section = try #require(digest.businesses.first)
        #expect(section.lines.map(\.kind.rawValue) == ["flag.raised"])
        #expect(section.lines.first?.seq == nil)
        #expect(section.runwayThen?.cash == Fixture.usd("5000.00"))
        #expect(section.runwayNow.cash == Fixture.usd("900.00"))
        let text = DigestReport.text(digest)
        #expect(text.contains("flag.raised") && text.contains("5,000.00"))
        let markdown = DigestReport.markdown(digest)
        #expect(markdown.hasPrefix("# What changed since 2026-11-23"))
    }
}
