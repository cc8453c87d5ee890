import Foundation
import RowColDomain

/// The inline SVG chart of the 13 weeks: receipts (up) and disbursements (down) as bars from the
/// zero line, the closing balance as a line with a dot per week.
///
/// Geometry is computed in `Decimal` and rounded to a tenth of a pixel, so that money never passes
/// through `Double`, not even to be drawn.
enum RunwayChart {
    static let width: Decimal = 760
    static let height: Decimal = 300
    static let left: Decimal = 90
    static let right: Decimal = 16
    static let top: Decimal = 16
    static let bottom: Decimal = 40

    static func svg(_ snapshot: RunwaySnapshot) -> String {
        let weeks = snapshot.weeks
        var high: Decimal = 0
        var low: Decimal = 0
        for week in weeks {
            high = max(high, week.closing.amount, week.receipts.amount, week.opening.amount)
            low = min(low, week.closing.amount, -week.disbursements.amount, week.opening.amount)
        }
        if high == low { high = low + 1 }
        let plotHeight = height - top - bottom
        let plotWidth = width - left - right
        let slot = plotWidth / Decimal(max(weeks.count, 1))
        func y(_ value: Decimal) -> Decimal { top + (high - value) / (high - low) * plotHeight }
        func px(_ value: Decimal) -> String { Money.format(value.rounded(scale: 1), minimumFractionDigits: 0) }
        let zero = y(0)
        let currency = snapshot.homeCurrency.rawValue

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(px(width)) \(px(height))\" role=\"img\" "
            + "aria-label=\"13-week cash projection: closing balance with receipts and disbursements, in \(HTMLReport.escape(currency))\">\n"
        svg += "<rect x=\"0\" y=\"0\" width=\"\(px(width))\" height=\"\(px(height))\" fill=\"#ffffff\"/>\n"
        for value in [high, low] where value != 0 {
            svg += "<line x1=\"\(px(left))\" x2=\"\(px(width - right))\" y1=\"\(px(y(value)))\" y2=\"\(px(y(value)))\" "
                + "stroke=\"#eceff4\" stroke-width=\"1\"/>\n"
            svg += "<text x=\"\(px(left - 6))\" y=\"\(px(y(value) + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#5b6575\">"
                + "\(HTMLReport.escape(DisplayFormat.amount(value)))</text>\n"
        }
        let barWidth = slot * Decimal(string: "0.3")!
        var points: [String] = []
        for (offset, week) in weeks.enumerated() {
            let center = left + slot * Decimal(offset) + slot / 2
            let receiptsTop = y(week.receipts.amount)
            if week.receipts.amount > 0 {
                svg += "<rect class=\"receipts\" x=\"\(px(center - barWidth))\" y=\"\(px(receiptsTop))\" width=\"\(px(barWidth))\" "
                    + "height=\"\(px(zero - receiptsTop))\" fill=\"#7fbf8e\"><title>Week \(week.index) receipts: "
                    + "\(HTMLReport.escape(DisplayFormat.amount(week.receipts.amount))) \(HTMLReport.escape(currency))</title></rect>\n"
            }
            if week.disbursements.amount > 0 {
                let bottomEdge = y(-week.disbursements.amount)
                svg += "<rect class=\"disbursements\" x=\"\(px(center))\" y=\"\(px(zero))\" width=\"\(px(barWidth))\" "
                    + "height=\"\(px(bottomEdge - zero))\" fill=\"#e39a94\"><title>Week \(week.index) disbursements: "
                    + "\(HTMLReport.escape(DisplayFormat.amount(week.disbursements.amount))) \(HTMLReport.escape(currency))</title></rect>\n"
            }
            points.append("\(px(center)),\(px(y(week.closing.amount)))")
            svg += "<text x=\"\(px(center))\" y=\"\(px(height - bottom + 16))\" text-anchor=\"middle\" font-size=\"11\" "
                + "fill=\"#5b6575\">W\(week.index)</text>\n"
        }
        svg += "<line class=\"zero\" x1=\"\(px(left))\" x2=\"\(px(width - right))\" y1=\"\(px(zero))\" y2=\"\(px(zero))\" "
            + "stroke=\"#1d2430\" stroke-width=\"1\"/>\n"
        svg += "<text x=\"\(px(left - 6))\" y=\"\(px(zero + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#1d2430\">0</text>\n"
        svg += "<polyline class=\"closing\" points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#2f5fb3\" stroke-width=\"2\"/>\n"
        for (offset, week) in weeks.enumerated() {
            let center = left + slot * Decimal(offset) + slot / 2
            svg += "<circle cx=\"\(px(center))\" cy=\"\(px(y(week.closing.amount)))\" r=\"3\" "
                + "fill=\"\(week.closing.isNegative ? "#b3261e" : "#2f5fb3")\"><title>Week \(week.index) closing: "
                + "\(HTMLReport.escape(DisplayFormat.amount(week.closing.amount))) \(HTMLReport.escape(currency))</title></circle>\n"
        }
        let legendY = height - 10
        svg += "<g font-size=\"11\" fill=\"#5b6575\">"
            + "<rect x=\"\(px(left))\" y=\"\(px(legendY - 9))\" width=\"10\" height=\"10\" fill=\"#7fbf8e\"/>"
            + "<text x=\"\(px(left + 14))\" y=\"\(px(legendY))\">Receipts</text>"
            + "<rect x=\"\(px(left + 90))\" y=\"\(px(legendY - 9))\" width=\"10\" height=\"10\" fill=\"#e39a94\"/>"
            + "<text x=\"\(px(left + 104))\" y=\"\(px(legendY))\">Disbursements</text>"
            + "<line x1=\"\(px(left + 210))\" x2=\"\(px(left + 230))\" y1=\"\(px(legendY - 4))\" y2=\"\(px(legendY - 4))\" stroke=\"#2f5fb3\" stroke-width=\"2\"/>"
            + "<text x=\"\(px(left + 236))\" y=\"\(px(legendY))\">Closing balance</text></g>\n"
        svg += "</svg>\n"
        return svg
    }
}
