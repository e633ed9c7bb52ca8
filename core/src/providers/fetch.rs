//! The last step every HTTP provider shares: send a built request through the one HTTP layer,
//! then either parse the whole body into a [`ModelResponse`] or decode its SSE body with the
//! provider's [`ChunkDecoder`].

use super::sse_decode::{decode_sse, ChunkDecoder};
use crate::error::Result;
use crate::http::sse::SseLimits;
use crate::http::{ErrorMapper, HttpClient, HttpRequest};
use crate::model::ModelStream;
use crate::types::{ModelResponse, Warning};

/// Send `req` and parse the whole body with `parse`. The request's `warnings` come first on
/// the result, then any the parser added; the safe response headers are attached.
pub(crate) async fn fetch_response(
    http: &HttpClient,
    req: &HttpRequest,
    map_error: &ErrorMapper<'_>,
    mut warnings: Vec<Warning>,
    parse: impl FnOnce(&[u8]) -> Result<ModelResponse>,
) -> Result<ModelResponse> {
    let resp = http.send(req, map_error).await?;
    let headers = super::safe_headers(&resp.headers);
    let bytes = resp.bytes().await?;
    let mut out = parse(&bytes)?;
    warnings.append(&mut out.warnings);
    out.warnings = warnings;
    out.response.headers = headers;
    Ok(out)
}

/// Send `req` and decode its SSE body with `decoder`, bounded by the default SSE limits.
pub(crate) async fn fetch_sse(
    http: &HttpClient,
    req: &HttpRequest,
    map_error: &ErrorMapper<'_>,
    warnings: Vec<Warning>,
    decoder: impl ChunkDecoder,
) -> Result<ModelStream> {
    let resp = http.send(req, map_error).await?;
    Ok(ModelStream {
        warnings,
        events: decode_sse(resp.byte_stream(), SseLimits::default(), decoder),
    })
}
