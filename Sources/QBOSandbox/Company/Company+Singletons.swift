import Foundation

/// The company's two singletons, built on demand in the shapes of Intuit's recordings
/// (shared fixtures companyinfo.json and preferences_query.json).
extension Company {
    /// The instant the company's records start from: its oldest record, or 2020-01-01.
    private var createdAt: Int64 {
        tables.values.compactMap { $0.records.values.map(\.created).min() }.min() ?? 1_577_836_800_000
    }

    func companyInfo() -> Record {
        let address: WireJSON = ["Id": "1", "Line1": "2600 Marine Way", "City": "Mountain View", "CountrySubDivisionCode": "CA",
                                 "PostalCode": "94043"]
        let start = WireTime.formatDate(day: WireTime.localDay(createdAt))
        return Record(id: 1, syncToken: 0, created: createdAt, updated: createdAt, body: [
            "CompanyName": .string(name), "LegalName": .string(name),
            "CompanyAddr": address, "CustomerCommunicationAddr": address, "LegalAddr": address,
            "PrimaryPhone": ["FreeFormNumber": "(650) 555-0100"], "CompanyStartDate": .string(start),
            "FiscalYearStartMonth": "January", "Country": "US", "Email": ["Address": .string("noreply+\(realm)@example.com")],
            "WebAddr": [:], "SupportedLanguages": "en",
            "NameValue": [["Name": "NeoEnabled", "Value": "true"], ["Name": "IndustryType", "Value": "Sandbox"],
                          ["Name": "SubscriptionStatus", "Value": "PAID"], ["Name": "OfferingSku", "Value": "QuickBooks Online Plus"],
                          ["Name": "PayrollFeature", "Value": "false"], ["Name": "AccountantFeature", "Value": "false"]],
        ])
    }

    func preferences() -> Record {
        Record(id: 1, syncToken: 0, created: createdAt, updated: createdAt, body: [
            "AccountingInfoPrefs": ["UseAccountNumbers": false, "TaxYearMonth": "January", "ClassTrackingPerTxn": false,
                                    "TrackDepartments": false, "CustomerTerminology": "Customers"],
            "ProductAndServicesPrefs": ["ForSales": true, "ForPurchase": true, "QuantityWithPriceAndRate": true, "QuantityOnHand": true],
            "SalesFormsPrefs": ["CustomTxnNumbers": false, "AllowDeposit": false, "AllowDiscount": true, "AllowEstimates": true,
                                "IPNSupportEnabled": false, "AllowServiceDate": false, "AllowShipping": false,
                                "DefaultTerms": ["value": "3"], "EmailCopyToCompany": false, "ETransactionEnabledStatus": "NotApplicable"],
            "EmailMessagesPrefs": ["InvoiceMessage": ["Subject": .string("Invoice from \(name)"), "Message": "Your invoice is attached."]],
            "VendorAndPurchasesPrefs": ["TrackingByCustomer": false, "BillableExpenseTracking": false,
                                        "DefaultTerms": ["value": "3"], "DefaultMarkup": 0],
            "TimeTrackingPrefs": ["UseServices": false, "BillCustomers": false, "ShowBillRateToAll": false,
                                  "WorkWeekStartDate": "Monday", "MarkTimeEntriesBillable": false],
            "TaxPrefs": ["UsingSalesTax": false],
            "CurrencyPrefs": ["MultiCurrencyEnabled": false, "HomeCurrency": ["value": "USD"]],
            "ReportPrefs": ["ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": false],
            "OtherPrefs": ["NameValue": [["Name": "SalesFormsPrefs.DefaultCustomerMessage", "Value": "Thank you for your business."],
                                         ["Name": "DTXCopyMemo", "Value": "false"]]],
        ])
    }
}
