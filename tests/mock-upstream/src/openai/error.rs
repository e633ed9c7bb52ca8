//! OpenAI error bodies: `{"error":{"message","type","param","code"}}`.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::reply::Reply;

/// An OpenAI-style error body.
pub(crate) fn body(message: &str, kind: &str, param: Option<&str>, code: Option<&str>) -> Value {
    json!({
        "error": {
            "message": message,
            "type": kind,
            "param": param,
            "code": code,
        }
    })
}

/// An `invalid_request_error` reply with the given status.
pub(crate) fn invalid_request(
    status: StatusCode,
    message: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> Reply {
    Reply::json(status, &body(message, "invalid_request_error", param, code))
}

/// `400` for a body that is not valid JSON.
pub(crate) fn malformed_json(detail: &str) -> Reply {
    let message = format!(
        "We could not parse the JSON body of your request. (HINT: This likely means you \
         aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.) \
         Parser said: {detail}"
    );
    invalid_request(StatusCode::BAD_REQUEST, &message, None, None)
}

/// `404` for a path the mock does not serve.
pub(crate) fn not_found(method: &str, path: &str) -> Reply {
    let message = format!("Invalid URL ({method} {path})");
    invalid_request(StatusCode::NOT_FOUND, &message, None, Some("not_found"))
}

/// `405` for a known path called with the wrong method.
pub(crate) fn method_not_allowed(method: &str, path: &str) -> Reply {
    let message = format!("Method {method} is not allowed on {path}");
    invalid_request(
        StatusCode::METHOD_NOT_ALLOWED,
        &message,
        None,
        Some("method_not_allowed"),
    )
}

/// The error body a real OpenAI deployment would send with `status`.
/// `model` is used in the `404` message.
pub(crate) fn for_status(status: u16, model: Option<&str>) -> Value {
    let model = model.unwrap_or("gpt-4o-mini");
    match status {
        400 => body(
            "Invalid request (injected by ditto-mock-upstream).",
            "invalid_request_error",
            None,
            None,
        ),
        401 => body(
            "Incorrect API key provided: sk-mock****. You can find your API key at \
             https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            None,
            Some("invalid_api_key"),
        ),
        403 => body(
            "You are not allowed to access this resource.",
            "invalid_request_error",
            None,
            Some("permission_denied"),
        ),
        404 => body(
            &format!("The model `{model}` does not exist or you do not have access to it."),
            "invalid_request_error",
            Some("model"),
            Some("model_not_found"),
        ),
        408 => body("Request timed out.", "timeout", None, None),
        413 => body(
            "Request body too large.",
            "invalid_request_error",
            None,
            Some("request_too_large"),
        ),
        429 => body(
            &format!(
                "Rate limit reached for {model} on requests per min (RPM): Limit 3, Used 3, \
                 Requested 1. Please try again in 20s."
            ),
            "requests",
            None,
            Some("rate_limit_exceeded"),
        ),
        500..=599 => body(
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
            None,
            None,
        ),
        _ => body(
            &format!("Request failed with status {status}."),
            "invalid_request_error",
            None,
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realistic_codes() {
        assert_eq!(for_status(401, None)["error"]["code"], "invalid_api_key");
        assert_eq!(
            for_status(404, Some("x"))["error"]["code"],
            "model_not_found"
        );
        assert_eq!(
            for_status(429, None)["error"]["code"],
            "rate_limit_exceeded"
        );
        assert_eq!(for_status(503, None)["error"]["type"], "server_error");
        assert!(for_status(418, None)["error"]["param"].is_null());
    }
}
