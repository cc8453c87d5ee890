import Foundation
import QBOSandbox
import Testing

/// The typed client of the control API that QBOSandbox ships (``QBOSandboxControl``).
@Suite struct ControlClientTests {
    @Test func realmsTokensAndTheirErrors() async throws {
        try await withSandbox { client in
            let control = client.control
            let created = try await control.createRealm("800", seed: 3, bills: 12, invoices: 4, accounts: 1)
            #expect(created.realm == "800" && created.bills == 12 && created.invoices == 4 && created.vendors >= 5)
            #expect(try await control.realms().map(\.realm) == ["800"])
            do {
                try await control.createRealm("800")
                Issue.record("a second realm 800 was created")
            } catch let error as QBOSandboxControlError {
                #expect(error.status == 409 && error.code == "realm_exists")
                #expect(error.message.contains("800"))
            }
            let tokens = try await control.tokens(realm: "800")
            #expect(tokens.expiresIn == 3600 && tokens.realm == "800" && !tokens.accessToken.isEmpty)
            #expect(try await client.query("800", "SELECT COUNT(*) FROM Bill", token: tokens.accessToken).status == 200)
            try await control.revokeConnections(realm: "800")
            #expect(try await client.query("800", "SELECT COUNT(*) FROM Bill", token: tokens.accessToken).status == 401)
            await #expect(throws: QBOSandboxControlError.self) { _ = try await control.tokens(realm: "../etc") }
        }
    }

    @Test func entitiesChangeBehindTheClientsBack() async throws {
        try await withSandbox { client in
            let control = client.control
            try await control.createRealm("801", bills: 3, invoices: 1)
            let token = try await control.tokens(realm: "801").accessToken
            let row = try #require(try await client.query("801", "SELECT * FROM Bill MAXRESULTS 1", token: token).json.object("QueryResponse").objects("Bill").first)
            let id = try #require(row["Id"] as? String)
            let bill = try await control.entity(.bill, id: id, realm: "801")
            #expect(bill["Id"]?.stringValue == id)
            #expect(bill["Balance"]?.decimalValue == row.decimal("Balance"))
            let patched = try await control.patch(.bill, id: id, realm: "801", fields: ["PrivateNote": "changed in QBO", "DueDate": nil])
            #expect(patched["PrivateNote"] == "changed in QBO")
            #expect(patched["DueDate"] == nil)
            #expect(patched["SyncToken"]?.intValue == (bill["SyncToken"]?.intValue ?? -1) + 1)
            try await control.delete(.bill, id: id, realm: "801")
            do {
                _ = try await control.entity(.bill, id: id, realm: "801")
                Issue.record("a deleted bill was read")
            } catch let error as QBOSandboxControlError {
                #expect(error.status == 400 && error.message.contains("Object Not Found"))
            }
        }
    }

    @Test func faultsStatsClockAndThrottle() async throws {
        try await withSandbox { client in
            let control = client.control
            try await control.createRealm("802", bills: 2)
            let token = try await control.tokens(realm: "802").accessToken
            try await control.injectFault(.init(.unavailable, realm: "802", path: "query", frequency: .count(2)))
            try await control.injectFault(.sequence([.throttle, nil], realm: "802", path: "cdc"))
            #expect(try await control.faults().count == 2)
            #expect(try await client.query("802", "SELECT * FROM Bill", token: token).status == 503)
            do {
                try await control.injectFault(.init(.statusAfterCommit, status: 502))
                Issue.record("status 502 was taken")
            } catch let error as QBOSandboxControlError {
                #expect(error.status == 400 && error.message.contains("500 or 503"))
            }
            try await control.clearFaults()
            #expect(try await control.faults().isEmpty)
            #expect(try await client.query("802", "SELECT * FROM Bill", token: token).status == 200)

            let stats = try await control.stats()
            #expect(stats.faultsInjected == 1)
            #expect(stats.requests["802"]?["GET query"] == 2)
            #expect(stats.billPaymentsCreated == 0 && stats.billPaymentsByBill.isEmpty)

            let before = try await control.clock()
            let after = try await control.advanceClock(seconds: 3600)
            #expect(after.offsetSeconds - before.offsetSeconds == 3600)
            #expect(try await client.query("802", "SELECT * FROM Bill", token: token).status == 401, "an hour on, the access token expired")
            await #expect(throws: QBOSandboxControlError.self) { try await control.advanceClock(seconds: -1) }

            try await control.setThrottle(perMinute: 1)
            let fresh = try await control.tokens(realm: "802").accessToken
            #expect(try await client.query("802", "SELECT * FROM Bill", token: fresh).status == 200)
            #expect(try await client.query("802", "SELECT * FROM Bill", token: fresh).status == 429)
            try await control.setThrottle(enabled: false)
            #expect(try await client.query("802", "SELECT * FROM Bill", token: fresh).status == 200)
            #expect(try await control.stats().throttled == 1)

            do {
                try await control.save()
                Issue.record("saved without a data directory")
            } catch let error as QBOSandboxControlError {
                #expect(error.status == 409 && error.code == "no_data_directory")
            }
        }
    }
}
