use super::*;
use crate::error::ErrorKind;
use crate::protocol::ui_message::{data_chunk, UiChunk, UiStreamOptions, UiVersion};
use crate::types::{FinishReason, ToolCall, Usage};
use serde_json::{json, Value};

fn meta() -> Option<crate::types::ProviderMetadata> {
    Some(
        json!({"anthropic": {"signature": "sig"}})
            .as_object()
            .unwrap()
            .clone(),
    )
}

fn events() -> Vec<StreamEvent> {
    vec![
        StreamEvent::Start,
        StreamEvent::StartStep { warnings: vec![] },
        StreamEvent::ReasoningStart {
            id: "r0".into(),
            provider_metadata: None,
        },
        StreamEvent::ReasoningDelta {
            id: "r0".into(),
            text: "think".into(),
            provider_metadata: None,
        },
        StreamEvent::ReasoningEnd {
            id: "r0".into(),
            provider_metadata: meta(),
        },
        StreamEvent::TextStart {
            id: "t0".into(),
            provider_metadata: None,
        },
        StreamEvent::text_delta("t0", "Hello"),
        StreamEvent::TextEnd {
            id: "t0".into(),
            provider_metadata: None,
        },
        StreamEvent::ToolInputStart {
            id: "c1".into(),
            tool_name: "weather".into(),
            provider_executed: false,
        },
        StreamEvent::ToolInputDelta {
            id: "c1".into(),
            delta: "{\"city\":".into(),
        },
        StreamEvent::ToolInputEnd { id: "c1".into() },
        StreamEvent::ToolCall(ToolCall::from_raw_arguments(
            "c1",
            "weather",
            "{\"city\":\"Paris\"}",
        )),
        StreamEvent::ToolResult {
            tool_call_id: "c1".into(),
            tool_name: "weather".into(),
            input: json!({"city": "Paris"}),
            output: json!({"temp": 20}),
            provider_executed: false,
        },
        StreamEvent::Source(crate::types::Source::Url {
            id: "s1".into(),
            url: "https://example.com".into(),
            title: None,
            provider_metadata: None,
        }),
        StreamEvent::File {
            media_type: "image/png".into(),
            base64: "AAAA".into(),
        },
        StreamEvent::Raw {
            raw_value: json!({}),
        },
        StreamEvent::FinishStep {
            finish_reason: FinishReason::Stop,
            raw_finish_reason: None,
            usage: Usage::new(1, 2),
            response: Default::default(),
            provider_metadata: None,
        },
        StreamEvent::Finish {
            finish_reason: FinishReason::Stop,
            raw_finish_reason: None,
            total_usage: Usage::new(1, 2),
        },
    ]
}

fn chunks(opts: UiStreamOptions) -> Vec<Value> {
    let mut enc = UiMessageEncoder::new(opts);
    events()
        .iter()
        .filter_map(|e| enc.encode(e))
        .map(|c| serde_json::to_value(c).unwrap())
        .collect()
}

#[test]
fn v5_chunks_have_only_5x_fields() {
    let opts = UiStreamOptions {
        message_id: Some("m1".into()),
        ..Default::default()
    };
    assert_eq!(
        chunks(opts),
        vec![
            json!({"type": "start", "messageId": "m1"}),
            json!({"type": "start-step"}),
            json!({"type": "reasoning-start", "id": "r0"}),
            json!({"type": "reasoning-delta", "id": "r0", "delta": "think"}),
            json!({"type": "reasoning-end", "id": "r0"}),
            json!({"type": "text-start", "id": "t0"}),
            json!({"type": "text-delta", "id": "t0", "delta": "Hello"}),
            json!({"type": "text-end", "id": "t0"}),
            json!({"type": "tool-input-start", "toolCallId": "c1", "toolName": "weather"}),
            json!({"type": "tool-input-delta", "toolCallId": "c1", "inputTextDelta": "{\"city\":"}),
            json!({"type": "tool-input-available", "toolCallId": "c1", "toolName": "weather", "input": {"city": "Paris"}}),
            json!({"type": "tool-output-available", "toolCallId": "c1", "output": {"temp": 20}}),
            json!({"type": "file", "url": "data:image/png;base64,AAAA", "mediaType": "image/png"}),
            json!({"type": "finish-step"}),
            json!({"type": "finish"}),
        ]
    );
}

#[test]
fn v6_adds_provider_metadata_and_finish_reason_and_options_gate_parts() {
    let opts = UiStreamOptions {
        version: UiVersion::V6,
        send_reasoning: false,
        send_sources: true,
        send_start: false,
        send_finish: true,
        ..Default::default()
    };
    let got = chunks(opts);
    assert!(got
        .iter()
        .all(|c| !c["type"].as_str().unwrap().starts_with("reasoning")));
    assert!(got.iter().all(|c| c["type"] != "start"));
    assert!(got
        .contains(&json!({"type": "source-url", "sourceId": "s1", "url": "https://example.com"})));
    assert_eq!(
        got.last().unwrap(),
        &json!({"type": "finish", "finishReason": "stop"})
    );

    let mut enc = UiMessageEncoder::new(UiStreamOptions {
        version: UiVersion::V6,
        ..Default::default()
    });
    let end = enc.encode(&events()[4]).unwrap();
    assert_eq!(
        serde_json::to_value(end).unwrap(),
        json!({"type": "reasoning-end", "id": "r0", "providerMetadata": {"anthropic": {"signature": "sig"}}})
    );
}

#[test]
fn invalid_tool_input_and_tool_errors() {
    let mut enc = UiMessageEncoder::default();
    let bad = StreamEvent::ToolCall(ToolCall::from_raw_arguments("c2", "calc", "{oops"));
    let chunk = serde_json::to_value(enc.encode(&bad).unwrap()).unwrap();
    assert_eq!(chunk["type"], "tool-input-error");
    assert_eq!(chunk["input"], "{oops");
    assert!(chunk["errorText"].as_str().unwrap().contains("calc"));
    let err = StreamEvent::ToolError {
        tool_call_id: "c2".into(),
        tool_name: "calc".into(),
        input: json!({}),
        error: "division by zero".into(),
    };
    assert_eq!(
        serde_json::to_value(enc.encode(&err).unwrap()).unwrap(),
        json!({"type": "tool-output-error", "toolCallId": "c2", "errorText": "division by zero"})
    );
}

#[tokio::test]
async fn stream_ends_with_done_and_errors_become_error_chunks() {
    use futures_util::StreamExt;
    let items = vec![
        Ok(StreamEvent::Start),
        Ok(StreamEvent::text_delta("t0", "x")),
        Err(crate::Error::new(ErrorKind::Timeout, "upstream idle")),
        Ok(StreamEvent::Abort),
    ];
    let body: Vec<_> = encode_ui_stream(
        futures_util::stream::iter(items),
        UiStreamOptions::default(),
    )
    .collect()
    .await;
    let body: String = body.iter().map(|b| String::from_utf8_lossy(b)).collect();
    assert_eq!(
        body,
        "data: {\"type\":\"start\"}\n\n\
         data: {\"type\":\"text-delta\",\"id\":\"t0\",\"delta\":\"x\"}\n\n\
         data: {\"type\":\"error\",\"errorText\":\"timeout: upstream idle\"}\n\n\
         data: [DONE]\n\n"
    );

    let masked = UiMessageEncoder::new(UiStreamOptions {
        mask_errors: true,
        ..Default::default()
    });
    let chunk = masked.error_chunk(&crate::Error::internal("secret detail"));
    assert_eq!(
        chunk,
        UiChunk::Error {
            error_text: "An error occurred.".into()
        }
    );
}

#[test]
fn data_chunks_and_frames() {
    let c = data_chunk("weather", Some("d1"), json!({"t": 1}), true);
    assert_eq!(
        c,
        json!({"type": "data-weather", "id": "d1", "data": {"t": 1}, "transient": true})
    );
    assert_eq!(
        &ui_frame(&UiChunk::Abort)[..],
        b"data: {\"type\":\"abort\"}\n\n"
    );
    let opts: UiStreamOptions = serde_json::from_value(json!({"version": "v6"})).unwrap();
    assert_eq!(opts.version, UiVersion::V6);
    assert!(opts.send_reasoning && opts.send_start && opts.send_finish && !opts.send_sources);
}

#[test]
fn approval_requests_only_in_v6() {
    let ev = StreamEvent::ToolApprovalRequest {
        approval_id: "ap1".into(),
        tool_call: ToolCall::from_raw_arguments("c9", "rm", "{}"),
    };
    assert!(UiMessageEncoder::default().encode(&ev).is_none());
    let mut v6 = UiMessageEncoder::new(UiStreamOptions {
        version: UiVersion::V6,
        ..Default::default()
    });
    assert_eq!(
        serde_json::to_value(v6.encode(&ev).unwrap()).unwrap(),
        json!({"type": "tool-approval-request", "approvalId": "ap1", "toolCallId": "c9"})
    );
}
