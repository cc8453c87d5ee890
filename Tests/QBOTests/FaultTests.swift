import Foundation
import RowColJSON
import Testing
@testable import QBO

@Suite struct FaultTests {
    private func interpret(status: Int, body: Data, headers: [String: String] = ["intuit_tid": "tid-123"]) -> QBOError? {
        QBOClient.interpret(QBOHTTPResponse(status: status, headers: headers, body: body)).failure
    }

    @Test(arguments: [
        ("xml/throttle_exceeded_error.xml", 403, QBOError.Code.throttled, "3001"),
        ("xml/too_many_requests_error.xml", 429, QBOError.Code.throttled, "3001"),
        ("xml/query_validation_error.xml", 400, QBOError.Code.validation, "4001"),
        ("xml/generic_error.xml", 500, QBOError.Code.serviceUnavailable, "10000"),
        ("xml/customer_duplicate_error.xml", 400, QBOError.Code.validation, "6240"),
        ("json/fault_duplicate_name.json", 400, QBOError.Code.validation, "6240"),
    ])
    func recordedFaultsMapToTypedErrors(file: String, status: Int, code: QBOError.Code, faultCode: String) throws {
        let error = try #require(interpret(status: status, body: Fixture.data(file)))
        #expect(error.code == code)
        #expect(error.faults.first?.code == faultCode)
        #expect(error.httpStatus == status)
        #expect(error.intuitTID == "tid-123")
        #expect(error.description.contains("tid-123"))
    }

    @Test func xmlFaultFieldsAreRead() throws {
        let faults = try QBOFaultParser.xmlFaults(Fixture.data("xml/query_validation_error.xml"))
        #expect(faults == [QBOFault(code: "4001", message: "Invalid query",
                                    detail: "QueryValidationError: value 0 is too small. Min allowed value is 1",
                                    type: "ValidationFault")])
    }

    @Test func gatewayLowerCaseFaultIsAuthentication() throws {
        let body = #"{"warnings":null,"intuitObject":null,"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401","detail":"Token expired: 1234","code":"3200","element":null}],"type":"AUTHENTICATION"},"report":null,"queryResponse":null,"batchItemResponse":[],"attachableResponse":[],"syncErrorResponse":null,"requestId":null,"time":1700000000000,"status":null,"cdcresponse":[]}"#
        let error = try #require(interpret(status: 401, body: Data(body.utf8)))
        #expect(error.code == .authentication)
        #expect(error.faults.first?.code == "3200")
        #expect(error.faults.first?.type == "AUTHENTICATION")
    }

    @Test func faultInsideHTTP200IsAnError() throws {
        let error = try #require(interpret(status: 200, body: Fixture.data("json/fault_duplicate_name.json")))
        #expect(error.code == .validation)
        #expect(error.faults.first?.detail?.contains("already exists") == true)
    }

    @Test func xmlFaultInsideHTTP200IsAnError() throws {
        let error = try #require(interpret(status: 200, body: Fixture.data("xml/too_many_requests_error.xml")))
        #expect(error.code == .throttled)
    }

    @Test func staleObjectFault() throws {
        let body: JSONValue = ["Fault": ["Error": [["Message": "Stale Object Error", "Detail": "Stale Object Error : You and Ann were working on this at the same time.", "code": "5010", "element": ""]], "type": "ValidationFault"], "time": "2026-11-28T00:00:00.000-08:00"]
        let error = try #require(interpret(status: 400, body: Data(body.serialized(.compact))))
        #expect(error.code == .staleObject)
        #expect(error.faults.first?.element == nil)
    }

    @Test(arguments: [
        ("truncated JSON", #"{"QueryResponse": {"Bill": [{"Id": "1""#),
        ("HTML error page", "<!DOCTYPE html><html><head><title>502</title></head><body><h1>Bad gateway<br></body></html>"),
        ("empty body", ""),
        ("plain text", "Service Unavailable"),
        ("spaces only", "   \n"),
    ])
    func malformedSuccessBodiesAreDecodingErrors(label: String, body: String) throws {
        let error = try #require(interpret(status: 200, body: Data(body.utf8)), "\(label)")
        #expect(error.code == .decoding, "\(label)")
        #expect(error.intuitTID == "tid-123")
    }

    @Test func htmlErrorPageWithA5xxIsUnavailable() throws {
        let error = try #require(interpret(status: 503, body: Data("<html><body>down</body>".utf8)))
        #expect(error.code == .serviceUnavailable)
        #expect(error.isTransient)
    }

    @Test func retryAfterIsKept() throws {
        let error = try #require(interpret(status: 429, body: Data(), headers: ["Retry-After": "7"]))
        #expect(error.code == .throttled)
        #expect(error.retryAfter == 7)
    }

    @Test func errorsMatchByCodeInCatchPatterns() {
        func classify(_ error: any Error) -> String {
            do { throw error } catch QBOError.Code.staleObject { return "stale" } catch QBOError.Code.throttled {
                return "throttled"
            } catch { return "other" }
        }
        #expect(classify(QBOError(.staleObject, message: "x")) == "stale")
        #expect(classify(QBOError(.throttled, message: "x")) == "throttled")
        #expect(classify(CancellationError()) == "other")
    }

    @Test func successBodyIsReturned() throws {
        let result = QBOClient.interpret(QBOHTTPResponse(status: 200, headers: [:], body: try Fixture.data("json/account_bank.json")))
        let json = try result.get()
        #expect(json["Id"] == "35")
    }
}
