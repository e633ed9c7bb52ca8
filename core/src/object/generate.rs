//! `generate_object`: one non-streaming call, parsed and validated.

use super::finalize::{ObjectRepair, Outcome};
use super::request::{ObjectMode, ObjectRequest, JSON_TOOL_NAME};
use crate::error::Result;
use crate::model::LanguageModel;
use crate::types::{
    ContentPart, FinishReason, ModelResponse, ProviderMetadata, ResponseMetadata, Usage, Warning,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The result of `generate_object`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GenerateObjectResult {
    /// The validated object (the array for `array` output, the string for `enum` output).
    pub object: Value,
    /// The model's raw text (the `json` tool's input in `tool` mode), before any repair.
    pub text: String,
    /// Unified finish reason.
    pub finish_reason: FinishReason,
    /// The provider's own finish reason.
    pub raw_finish_reason: Option<String>,
    /// Token usage.
    pub usage: Usage,
    /// What the provider could not honour, and schema keywords Ditto did not check.
    pub warnings: Vec<Warning>,
    /// Response facts.
    pub response: ResponseMetadata,
    /// Provider-specific output.
    pub provider_metadata: Option<ProviderMetadata>,
}

/// Generate one object with `model` (the request's `model` field is not consulted).
///
/// Fails with `no_object_generated` (carrying the text, usage and finish reason) when the
/// answer is not JSON or does not match the schema and `repair` (if any) could not fix it.
pub async fn generate_object(
    model: &dyn LanguageModel,
    request: &ObjectRequest,
    repair: Option<&dyn ObjectRepair>,
) -> Result<GenerateObjectResult> {
    let plan = request.plan()?;
    let response = model.generate(&plan.options).await?;
    let usage = response.usage.with_computed_total();
    let outcome = Outcome {
        usage,
        finish_reason: response.finish_reason,
    };
    let text = object_text(&response, plan.mode);
    if text.len() > plan.max_bytes {
        let mut cut = plan.max_bytes;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let message = format!(
            "the object text is over the limit of {} bytes (max_object_bytes)",
            plan.max_bytes
        );
        return Err(plan.no_object(message, &text[..cut], outcome));
    }
    let object = plan.finalize(&text, repair, outcome).await?;
    let mut warnings = plan.warnings;
    warnings.extend(response.warnings);
    Ok(GenerateObjectResult {
        object,
        text,
        finish_reason: response.finish_reason,
        raw_finish_reason: response.raw_finish_reason,
        usage,
        warnings,
        response: response.response,
        provider_metadata: response.provider_metadata,
    })
}

/// The text that holds the object: the text parts, or in `tool` mode the `json` tool's input.
fn object_text(response: &ModelResponse, mode: ObjectMode) -> String {
    if mode != ObjectMode::Tool {
        return response
            .content
            .iter()
            .filter_map(ContentPart::as_text)
            .collect();
    }
    response
        .content
        .iter()
        .find_map(|p| match p {
            ContentPart::ToolCall(c) if c.tool_name == JSON_TOOL_NAME => Some(match &c.input {
                Value::String(raw) if c.invalid_input => raw.clone(),
                input => input.to_string(),
            }),
            _ => None,
        })
        .unwrap_or_default()
}
