import ArgumentParser
import RowCol

struct BusinessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "business", abstract: "Manage an advisor's client businesses.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a client business (one QBO company).")

        @Argument(help: "The business id.") var business: String
        @Option(help: "The advisor the business belongs to.") var advisor: String
        @Option(help: "QBO's company id (realmId).") var realm: String
        @Option(help: "sandbox, production or local.") var environment: String = "sandbox"
        @Option(help: "The QBO API base URL.") var baseURL: String = "https://sandbox-quickbooks.api.intuit.com"
        @Option(help: "A name to show for the business.") var name: String?
        @OptionGroup var options: WorkspaceOptions

        func run() async throws {
            let advisorID = try parseID(AdvisorID.self, advisor)
            let businessID = try parseID(BusinessID.self, business)
            let workspace = try options.open()
            try workspace.addBusiness(BusinessInfo(
                advisor: advisorID, business: businessID, realmID: realm, environment: environment,
                baseURL: baseURL, displayName: name))
            print("added business \(advisorID)/\(businessID)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an advisor's businesses.")
        @Option(help: "The advisor.") var advisor: String
        @OptionGroup var options: WorkspaceOptions

        func run() async throws {
            let advisorID = try parseID(AdvisorID.self, advisor)
            for business in try options.open().businesses(of: advisorID) { print(business) }
        }
    }
}
