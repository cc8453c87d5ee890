import Foundation
import RowColJSON

extension QBOClient {
    /// Sends one API call with pacing, the breaker, 401 refresh and retries, and returns the JSON answer.
    ///
    /// - Parameter retries: which failures may be retried here (reads: every transient one).
    func send(_ method: String, path: String, query: [URLQueryItem] = [], body: Data? = nil,
              contentType: String? = nil, retries: RetryScope) async throws -> JSONValue {
        let clock = configuration.clock
        let limiter = await configuration.registry.limiter(realmID: realmID, settings: configuration.rateLimit, clock: clock)
        let breaker = await configuration.registry.breaker(realmID: realmID, settings: configuration.circuitBreaker, clock: clock)
        let url = endpoints.companyURL(realmID: realmID, path: path, query: query)
        let started = clock.now()
        var attempt = 1
        var exchange = 0
        var refreshed = false
        var token = try await accessToken()

        while true {
            try await breaker.admit(realmID: realmID)
            do {
                try await limiter.acquire()
            } catch {
                await breaker.recordNeutral()
                throw error
            }
            exchange += 1
            var headers = ["Authorization": "Bearer \(token)", "Accept": "application/json"]
            if let contentType { headers["Content-Type"] = contentType }
            let request = QBOHTTPRequest(method: method, url: url, headers: headers, body: body)
            let began = clock.now()
            let outcome: Result<JSONValue, QBOError>
            var response: QBOHTTPResponse?
            do {
                let answer = try await transport.send(request)
                response = answer
                outcome = Self.interpret(answer)
            } catch let error as QBOError {
                outcome = .failure(error)
            } catch is CancellationError {
                await limiter.release()
                await breaker.recordNeutral()
                throw CancellationError()
            } catch {
                outcome = .failure(QBOURLSessionTransport.transportError(error, request: request))
            }
            await limiter.release()
            if Task.isCancelled, response == nil {
                // The caller gave up; that says nothing about QBO's health.
                await breaker.recordNeutral()
                throw CancellationError()
            }
            if let status = response?.status, status < 500 {
                await breaker.recordSuccess()
            } else {
                await breaker.recordFailure()
            }
            configuration.observer?(QBOExchange(method: method, path: url.path, status: response?.status,
                                                intuitTID: response?.intuitTID, attempt: exchange,
                                                duration: clock.now().timeIntervalSince(began),
                                                errorCode: outcome.failure?.code))
            let error: QBOError
            switch outcome {
            case .success(let json): return json
            case .failure(let failure): error = failure
            }

            if error.code == .authentication, error.httpStatus == 401, !refreshed {
                refreshed = true
                token = try await tokens.refresh(rejecting: token)
                continue
            }
            if retries.allows(error),
               let delay = configuration.retry.nextDelay(afterAttempt: attempt, elapsed: clock.now().timeIntervalSince(started),
                                                          retryAfter: error.retryAfter) {
                try await clock.sleep(seconds: delay)
                attempt += 1
                continue
            }
            throw error
        }
    }

    private func accessToken() async throws -> String {
        try await tokens.accessToken()
    }

    /// Turns an HTTP answer into JSON or a typed error, looking for faults even in 200 answers.
    static func interpret(_ response: QBOHTTPResponse) -> Result<JSONValue, QBOError> {
        let success = (200..<300).contains(response.status)
        func stamp(_ error: QBOError) -> QBOError {
            var error = error
            error.httpStatus = error.httpStatus ?? response.status
            error.intuitTID = error.intuitTID ?? response.intuitTID
            error.retryAfter = error.retryAfter ?? response.retryAfter
            return error
        }
        let body: QBOFaultParser.Body
        do {
            body = try QBOFaultParser.parse(response.body)
        } catch let error as QBOError {
            // An unreadable error page still says what happened through its status.
            if !success { return .failure(stamp(QBOError.fromResponse(status: response.status, intuitTID: response.intuitTID, faults: [], retryAfter: response.retryAfter))) }
            return .failure(stamp(error))
        } catch {
            return .failure(stamp(QBOError(.decoding, message: "The answer could not be read.", underlying: "\(error)")))
        }
        switch body {
        case .faults(let faults):
            return .failure(QBOError.fromResponse(status: response.status, intuitTID: response.intuitTID, faults: faults, retryAfter: response.retryAfter))
        case .json(let json) where success:
            return .success(json)
        case .xml where success:
            do {
                return .success(try QBOXMLBody.json(response.body))
            } catch let error as QBOError {
                return .failure(stamp(error))
            } catch {
                return .failure(stamp(QBOError(.decoding, message: "The XML answer could not be read.", underlying: "\(error)")))
            }
        case .json, .xml:
            return .failure(QBOError.fromResponse(status: response.status, intuitTID: response.intuitTID, faults: [], retryAfter: response.retryAfter))
        }
    }
}

/// Which failed calls the client may send again by itself.
enum RetryScope: Sendable {
    /// Reads: every transient failure (throttling, 5xx, a lost connection).
    case transient
    /// Writes: only failures that prove QBO did not process the request — a 429 or a connection
    /// that was never made. After a 5xx, a timeout or a dropped connection the write may have been
    /// committed, and QBO's `requestid` replay is not trusted: the caller must look before it
    /// sends again.
    case unprocessed
    /// Writes QBO cannot recognize as repeats: sent once.
    case none

    func allows(_ error: QBOError) -> Bool {
        switch self {
        case .transient: error.isTransient
        case .unprocessed: error.code == .throttled || (error.code == .transport && error.transportReason == .refused)
        case .none: false
        }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
