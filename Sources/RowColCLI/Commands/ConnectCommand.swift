import ArgumentParser
import Foundation
import RowCol

struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Connect a client business to its QuickBooks Online company.",
        discussion: """
            Records which QBO company (realm) the business is, stores the app credentials and the \
            OAuth tokens under secrets/ (mode 0600, never committed), and adds the business to the \
            advisor. Give one grant: --refresh-token (from Intuit's OAuth playground or the sandbox's \
            control API), --code with --redirect-uri (from an authorization redirect), or --browser.

            Against the built-in sandbox (`rowcol sandbox serve`), pass its URL as --base-url; the \
            sandbox's client (sandbox-client / sandbox-secret) is the default there.
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var advisor: AdvisorOption
    @OptionGroup var business: BusinessOption

    @Option(help: ArgumentHelp("The QBO company id (realmId).", valueName: "id"))
    var realm: String

    @Option(help: ArgumentHelp("The base URL of a local QBO sandbox (implies --environment local).", valueName: "url"))
    var baseURL: String?

    @Option(help: "production, sandbox (Intuit's) or local.")
    var environment: String?

    @Option(help: ArgumentHelp("A display name for the business.", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("The Intuit app's client id (or $ROWCOL_QBO_CLIENT_ID).", valueName: "id"))
    var clientID: String?

    @Option(help: ArgumentHelp("The Intuit app's client secret (or $ROWCOL_QBO_CLIENT_SECRET).", valueName: "secret"))
    var clientSecret: String?

    @Option(help: ArgumentHelp("A refresh token to start from.", valueName: "token"))
    var refreshToken: String?

    @Option(help: ArgumentHelp("The authorization code of a redirect.", valueName: "code"))
    var code: String?

    @Option(help: ArgumentHelp("The redirect URI registered for the app.", valueName: "uri"))
    var redirectURI: String?

    @Flag(help: "Open the authorization page and read the redirect URL back.")
    var browser = false

    func validate() throws {
        let grants = [refreshToken != nil, code != nil, browser].filter { $0 }.count
        guard grants == 1 else {
            throw ValidationError("give exactly one of --refresh-token, --code (with --redirect-uri) or --browser")
        }
        if code != nil, redirectURI == nil { throw ValidationError("--code needs --redirect-uri") }
    }

    func run() async throws {
        let workspace = try self.workspace.open()
        let advisor = try self.advisor.resolve(in: workspace)
        let business = try self.business.id
        let environmentName = environment ?? (baseURL != nil ? "local" : "production")
        guard let environment = QBOEnvironment(rawValue: environmentName) else {
            throw ValidationError("invalid --environment \"\(environmentName)\": expected production, sandbox or local")
        }
        if environment == .local, baseURL == nil { throw ValidationError("--environment local needs --base-url") }
        let env = ProcessInfo.processInfo.environment
        let isLocal = environment == .local
        guard let clientID = clientID ?? env["ROWCOL_QBO_CLIENT_ID"] ?? (isLocal ? AppCredentials.sandbox.clientID : nil),
            let clientSecret = clientSecret ?? env["ROWCOL_QBO_CLIENT_SECRET"]
                ?? (isLocal ? AppCredentials.sandbox.clientSecret : nil)
        else { throw ValidationError("--client-id and --client-secret (or ROWCOL_QBO_CLIENT_ID/_SECRET) are needed for \(environment)") }
        let credentials = AppCredentials(
            clientID: clientID, clientSecret: clientSecret,
            redirectURI: redirectURI ?? AppCredentials.sandbox.redirectURI)
        let grant: ConnectGrant
        if let refreshToken {
            grant = .refreshToken(refreshToken)
        } else if let code {
            grant = .authorizationCode(code)
        } else {
            grant = .authorizationCode(try browserCode(environment: environment, credentials: credentials))
        }
        let connections = Connections(workspace: workspace, advisor: advisor)
        let info = try await connections.connect(
            business: business, realmID: realm, environment: environment, baseURL: baseURL ?? "",
            displayName: name, credentials: credentials, grant: grant)
        print("connected \(advisor)/\(info.business) to QBO realm \(info.realmID) (\(info.environment))")
        print("next: rowcol sync --advisor \(advisor) --business \(info.business)")
    }

    /// Sends the person to Intuit's consent page and reads back the URL it redirected to.
    func browserCode(environment: QBOEnvironment, credentials: AppCredentials) throws -> String {
        let state = UUID().uuidString
        let url = try Connections.authorizationURL(
            environment: environment, baseURL: baseURL ?? "", credentials: credentials, state: state)
        print("Open this page, approve the connection, then paste the URL your browser was sent to:")
        print(url.absoluteString)
        let opener = Process()
        opener.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        opener.arguments = ["xdg-open", url.absoluteString]
        opener.standardOutput = FileHandle.nullDevice
        opener.standardError = FileHandle.nullDevice
        try? opener.run()
        print("redirect URL: ", terminator: "")
        guard let line = readLine(), let components = URLComponents(string: line.trimmingCharacters(in: .whitespaces))
        else { throw ValidationError("no redirect URL was given") }
        let items = components.queryItems ?? []
        guard items.first(where: { $0.name == "state" })?.value == state else {
            throw ValidationError("the redirect's state does not match this request; start again")
        }
        guard let code = items.first(where: { $0.name == "code" })?.value else {
            throw ValidationError("the redirect URL has no code (was the connection refused?)")
        }
        return code
    }
}
