//! `POST /v1/chat/completions`: reading the request into a [`ChatPlan`] and
//! rendering the non-streaming `chat.completion` object.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{chat_stream, error};
use crate::echo::{limit_words, word_count, PANGRAM};
use crate::plan::Segment;
use crate::reply::Reply;

/// Fixed `created` timestamp of every mock response.
pub(crate) const CREATED: u64 = 1_700_000_000;
/// Model that always answers with [`PANGRAM`].
pub(crate) const LOREM_MODEL: &str = "mock-lorem";

/// What the assistant answers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    /// Plain text with a finish reason (`stop` or `length`).
    Text {
        content: String,
        finish: &'static str,
    },
    /// One or more tool calls (`finish_reason: tool_calls`).
    ToolCalls(Vec<CallAnswer>),
}

/// One tool call of an answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CallAnswer {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) arguments: String,
}

/// Everything needed to render the reply in either form.
#[derive(Debug, Clone)]
pub(crate) struct ChatPlan {
    pub(crate) id: String,
    pub(crate) model: String,
    pub(crate) answer: Answer,
    pub(crate) prompt_tokens: u64,
    pub(crate) completion_tokens: u64,
    pub(crate) include_usage: bool,
}

impl ChatPlan {
    pub(crate) fn usage(&self) -> Value {
        json!({
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        })
    }

    pub(crate) fn finish_reason(&self) -> &'static str {
        match &self.answer {
            Answer::Text { finish, .. } => finish,
            Answer::ToolCalls(_) => "tool_calls",
        }
    }
}

/// Answers a chat completion request (streaming when `stream` is true).
pub(crate) fn completions(request: &Value, id: u64) -> Reply {
    let Some(messages) = request.get("messages").and_then(Value::as_array) else {
        return error::invalid_request(
            StatusCode::BAD_REQUEST,
            "Missing required parameter: 'messages'.",
            Some("messages"),
            Some("missing_required_parameter"),
        );
    };
    let plan = plan(request, messages, id);
    if request.get("stream").and_then(Value::as_bool) == Some(true) {
        chat_stream::render(&plan)
    } else {
        Reply::json(StatusCode::OK, &render(&plan))
    }
}

/// Decides the answer for `request`.
pub(crate) fn plan(request: &Value, messages: &[Value], id: u64) -> ChatPlan {
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("mock")
        .to_owned();
    let prompt_tokens = messages
        .iter()
        .map(|message| word_count(&message_text(message)))
        .sum();
    let (answer, completion_tokens) = match crate::plan::for_messages(
        messages,
        |m| m.get("role").and_then(Value::as_str),
        message_text,
    ) {
        Some(Segment::Calls(calls)) => {
            let tokens = crate::plan::call_tokens(&calls);
            (tool_calls(calls, id), tokens)
        }
        Some(Segment::Text(content)) => {
            let tokens = word_count(&content);
            let finish = "stop";
            (Answer::Text { content, finish }, tokens)
        }
        None => default_answer(request, messages, &model, id),
    };
    ChatPlan {
        id: format!("chatcmpl-mock-{id}"),
        model,
        answer,
        prompt_tokens,
        completion_tokens,
        include_usage: request
            .pointer("/stream_options/include_usage")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

/// A `call:<tool>` trigger in the last message (with tools), else the echo.
fn default_answer(request: &Value, messages: &[Value], model: &str, id: u64) -> (Answer, u64) {
    let has_tools = request
        .get("tools")
        .and_then(Value::as_array)
        .is_some_and(|tools| !tools.is_empty());
    let tool_call = has_tools
        .then(|| messages.last().map(message_text))
        .flatten()
        .and_then(|text| tool_trigger(&text));
    match tool_call {
        Some((name, arguments)) => {
            let tokens = word_count(&name) + word_count(&arguments);
            (tool_calls(vec![(name, arguments)], id), tokens)
        }
        None => {
            let full = echo_text(model, messages);
            let (content, cut) = limit_words(&full, max_tokens(request));
            let finish = if cut { "length" } else { "stop" };
            let tokens = word_count(&content);
            (Answer::Text { content, finish }, tokens)
        }
    }
}

/// Calls with ids `call_mock_<id>` (the first) and `call_mock_<id>_<i>` (the others).
fn tool_calls(calls: Vec<(String, String)>, id: u64) -> Answer {
    let calls = calls
        .into_iter()
        .enumerate()
        .map(|(i, (name, arguments))| CallAnswer {
            id: if i == 0 {
                format!("call_mock_{id}")
            } else {
                format!("call_mock_{id}_{i}")
            },
            name,
            arguments,
        })
        .collect();
    Answer::ToolCalls(calls)
}

/// The non-streaming `chat.completion` object.
pub(crate) fn render(plan: &ChatPlan) -> Value {
    let message = match &plan.answer {
        Answer::Text { content, .. } => json!({
            "role": "assistant",
            "content": content,
            "refusal": null,
        }),
        Answer::ToolCalls(calls) => json!({
            "role": "assistant",
            "content": null,
            "refusal": null,
            "tool_calls": calls.iter().map(|c| json!({
                "id": c.id,
                "type": "function",
                "function": { "name": c.name, "arguments": c.arguments },
            })).collect::<Vec<_>>(),
        }),
    };
    json!({
        "id": plan.id,
        "object": "chat.completion",
        "created": CREATED,
        "model": plan.model,
        "choices": [{
            "index": 0,
            "message": message,
            "logprobs": null,
            "finish_reason": plan.finish_reason(),
        }],
        "usage": plan.usage(),
    })
}

/// `echo: <last user text>`, or the pangram for `mock-lorem` / no user message.
fn echo_text(model: &str, messages: &[Value]) -> String {
    if model == LOREM_MODEL {
        return PANGRAM.to_owned();
    }
    messages
        .iter()
        .rev()
        .find(|message| message.get("role").and_then(Value::as_str) == Some("user"))
        .map_or_else(
            || PANGRAM.to_owned(),
            |message| format!("echo: {}", message_text(message)),
        )
}

/// The text of a message: a string `content`, or its `text` parts joined
/// with a space (other parts ignored).
pub(crate) fn message_text(message: &Value) -> String {
    match message.get("content") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter(|part| part.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// `call:<name> <arguments>` in `text`: the tool name and the JSON text after
/// it (`{}` when empty).
pub(crate) fn tool_trigger(text: &str) -> Option<(String, String)> {
    let start = text.find("call:")? + "call:".len();
    let rest = &text[start..];
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .unwrap_or(rest.len());
    if name_len == 0 {
        return None;
    }
    let arguments = rest[name_len..].trim();
    let arguments = if arguments.is_empty() {
        "{}"
    } else {
        arguments
    };
    Some((rest[..name_len].to_owned(), arguments.to_owned()))
}

fn max_tokens(request: &Value) -> Option<u64> {
    ["max_completion_tokens", "max_tokens"]
        .iter()
        .find_map(|field| request.get(*field).and_then(Value::as_u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_of_parts() {
        let message = json!({"role": "user", "content": [
            {"type": "text", "text": "hello"},
            {"type": "image_url", "image_url": {"url": "x"}},
            {"type": "text", "text": "world"},
        ]});
        assert_eq!(message_text(&message), "hello world");
    }

    #[test]
    fn trigger_parses_name_and_arguments() {
        assert_eq!(
            tool_trigger("please call:get_weather {\"city\":\"Paris\"}"),
            Some(("get_weather".into(), "{\"city\":\"Paris\"}".into()))
        );
        assert_eq!(
            tool_trigger("call:ping"),
            Some(("ping".into(), "{}".into()))
        );
        assert_eq!(tool_trigger("call: nothing"), None);
        assert_eq!(tool_trigger("no trigger"), None);
    }

    #[test]
    fn echo_and_length() {
        let request = json!({
            "model": "gpt-4o-mini",
            "max_tokens": 2,
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "one two three"},
            ],
        });
        let messages = request["messages"].as_array().unwrap();
        let plan = plan(&request, messages, 7);
        assert_eq!(
            plan.answer,
            Answer::Text {
                content: "echo: one".into(),
                finish: "length"
            }
        );
        assert_eq!(plan.prompt_tokens, 5);
        assert_eq!(plan.completion_tokens, 2);
        assert_eq!(plan.id, "chatcmpl-mock-7");
    }

    #[test]
    fn lorem_and_no_user() {
        let lorem = json!({"model": "mock-lorem", "messages": [{"role": "user", "content": "x"}]});
        assert_eq!(
            echo_text("mock-lorem", lorem["messages"].as_array().unwrap()),
            PANGRAM
        );
        assert_eq!(
            echo_text("m", &[json!({"role": "system", "content": "s"})]),
            PANGRAM
        );
    }
}
