import Foundation
import RowCol

/// Inline SVG charts. Geometry is computed in `Decimal` and rounded to a tenth of a pixel, so money
/// never passes through `Double`, not even to be drawn.
enum Charts {
    static func px(_ value: Decimal) -> String { Money.format(value.rounded(scale: 1), minimumFractionDigits: 0) }

    /// The 13 closing balances as a line, a zero line when the range crosses it, the lowest week
    /// marked (red when below zero).
    static func sparkline(_ weeks: [ProjectionWeek], label: String) -> String {
        let width: Decimal = 120, height: Decimal = 28, pad: Decimal = 3
        let closings = weeks.map(\.closing.amount)
        guard let high = closings.max(), let low = closings.min(), closings.count > 1 else { return "" }
        let span = high == low ? 1 : high - low
        let step = (width - 2 * pad) / Decimal(closings.count - 1)
        func y(_ value: Decimal) -> Decimal { pad + (high - value) / span * (height - 2 * pad) }
        let points = closings.enumerated().map { "\(px(pad + step * Decimal($0.offset))),\(px(y($0.element)))" }
        var svg = "<svg class=\"spark\" viewBox=\"0 0 \(px(width)) \(px(height))\" role=\"img\" aria-label=\"\(Page.esc(label))\">"
        if low < 0 && high > 0 {
            svg += "<line x1=\"0\" x2=\"\(px(width))\" y1=\"\(px(y(0)))\" y2=\"\(px(y(0)))\" stroke=\"#b3261e\" stroke-width=\"0.6\" stroke-dasharray=\"2 2\"/>"
        }
        svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#2f5fb3\" stroke-width=\"1.5\"/>"
        if let lowest = closings.firstIndex(of: low) {
            svg += "<circle cx=\"\(px(pad + step * Decimal(lowest)))\" cy=\"\(px(y(low)))\" r=\"2.2\" fill=\"\(low < 0 ? "#b3261e" : "#2f5fb3")\"/>"
        }
        return svg + "</svg>"
    }

    /// The 13-week chart of a business page: receipts up and disbursements down from the zero line,
    /// the closing balance as a line; each week is a link (`link(week)`) to the items behind it.
    static func weeks(_ snapshot: RunwaySnapshot, selected: Int?, link: (Int) -> String) -> String {
        let width: Decimal = 960, height: Decimal = 300, left: Decimal = 90, right: Decimal = 16, top: Decimal = 16
        let bottom: Decimal = 40
        let weeks = snapshot.weeks
        var high: Decimal = 0, low: Decimal = 0
        for week in weeks {
            high = max(high, week.closing.amount, week.receipts.amount, week.opening.amount)
            low = min(low, week.closing.amount, -week.disbursements.amount, week.opening.amount)
        }
        if high == low { high = low + 1 }
        let plot = height - top - bottom
        let slot = (width - left - right) / Decimal(max(weeks.count, 1))
        func y(_ value: Decimal) -> Decimal { top + (high - value) / (high - low) * plot }
        let zero = y(0)
        let currency = Page.esc(snapshot.homeCurrency.rawValue)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(px(width)) \(px(height))\" role=\"img\" "
            + "aria-label=\"13-week cash projection in \(currency): closing balance, receipts and disbursements; each week links to its items\">\n"
        for value in [high, low] where value != 0 {
            svg += "<line x1=\"\(px(left))\" x2=\"\(px(width - right))\" y1=\"\(px(y(value)))\" y2=\"\(px(y(value)))\" stroke=\"#eceff4\"/>"
                + "<text x=\"\(px(left - 6))\" y=\"\(px(y(value) + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#5b6575\">"
                + "\(Page.esc(DisplayFormat.amount(value)))</text>\n"
        }
        let bar = slot * Decimal(string: "0.3")!
        var points: [String] = []
        for (offset, week) in weeks.enumerated() {
            let x0 = left + slot * Decimal(offset)
            let center = x0 + slot / 2
            let title = "Week \(week.index) (\(week.start)–\(week.end)): receipts \(DisplayFormat.amount(week.receipts.amount)), "
                + "disbursements \(DisplayFormat.amount(week.disbursements.amount)), closing \(DisplayFormat.amount(week.closing.amount)) \(snapshot.homeCurrency)"
            svg += "<a href=\"\(Page.esc(link(week.index)))\" class=\"week\" data-week=\"\(week.index)\"><title>\(Page.esc(title))</title>"
            svg += "<rect class=\"slot\(selected == week.index ? " selected" : "")\" x=\"\(px(x0))\" y=\"\(px(top))\" width=\"\(px(slot))\" "
                + "height=\"\(px(plot))\" fill=\"\(selected == week.index ? "#e8f0fe" : "#ffffff")\"/>"
            if week.receipts.amount > 0 {
                let topEdge = y(week.receipts.amount)
                svg += "<rect x=\"\(px(center - bar))\" y=\"\(px(topEdge))\" width=\"\(px(bar))\" height=\"\(px(zero - topEdge))\" fill=\"#7fbf8e\"/>"
            }
            if week.disbursements.amount > 0 {
                svg += "<rect x=\"\(px(center))\" y=\"\(px(zero))\" width=\"\(px(bar))\" "
                    + "height=\"\(px(y(-week.disbursements.amount) - zero))\" fill=\"#e39a94\"/>"
            }
            svg += "<text x=\"\(px(center))\" y=\"\(px(height - bottom + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#5b6575\">W\(week.index)</text></a>\n"
            points.append("\(px(center)),\(px(y(week.closing.amount)))")
        }
        svg += "<line x1=\"\(px(left))\" x2=\"\(px(width - right))\" y1=\"\(px(zero))\" y2=\"\(px(zero))\" stroke=\"#1d2430\"/>"
            + "<text x=\"\(px(left - 6))\" y=\"\(px(zero + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#1d2430\">0</text>\n"
        svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#2f5fb3\" stroke-width=\"2\" pointer-events=\"none\"/>\n"
        for (offset, week) in weeks.enumerated() {
            let center = left + slot * Decimal(offset) + slot / 2
            svg += "<circle cx=\"\(px(center))\" cy=\"\(px(y(week.closing.amount)))\" r=\"3\" pointer-events=\"none\" "
                + "fill=\"\(week.closing.isNegative ? "#b3261e" : "#2f5fb3")\"/>"
        }
        let legend = height - 10
        svg += "\n<g font-size=\"11\" fill=\"#5b6575\"><rect x=\"\(px(left))\" y=\"\(px(legend - 9))\" width=\"10\" height=\"10\" fill=\"#7fbf8e\"/>"
            + "<text x=\"\(px(left + 14))\" y=\"\(px(legend))\">Receipts</text>"
            + "<rect x=\"\(px(left + 90))\" y=\"\(px(legend - 9))\" width=\"10\" height=\"10\" fill=\"#e39a94\"/>"
            + "<text x=\"\(px(left + 104))\" y=\"\(px(legend))\">Disbursements</text>"
            + "<line x1=\"\(px(left + 210))\" x2=\"\(px(left + 230))\" y1=\"\(px(legend - 4))\" y2=\"\(px(legend - 4))\" stroke=\"#2f5fb3\" stroke-width=\"2\"/>"
            + "<text x=\"\(px(left + 236))\" y=\"\(px(legend))\">Closing balance (click a week for its items)</text></g>\n</svg>\n"
        return svg
    }
}
