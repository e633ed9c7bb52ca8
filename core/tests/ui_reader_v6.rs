//! The V6 UI message stream encoder against the real ai 6.x reader (`read.mjs --ai 6`, the
//! `ai6` npm alias of ai 6.0.326, with a check that no chunk carries a field outside the ai 6.x
//! chunk schema): every recorded stream, and an agent run that pauses on tool approval requests
//! and resumes with one approved and one denied call, continued on the same `UIMessage` as
//! `useChat` does.
//!
//! Needs Node and `tests/ui-reader/ensure.sh` (run by `make test`). Without them the tests
//! print why and pass, unless `DITTO_REQUIRE_UI_READER=1`.

mod common;

use common::agent::{approval_tools, fixture, steps, stream_events};
use common::recordings::recordings;
use common::ui_reader::{check, joined, parts, read, reader_ready};
use common::{client, mock};
use ditto_llm::agent::ToolApprovalResponse;
use ditto_llm::protocol::ui_message::{
    encode_ui_stream, ui_messages_to_messages, UiMessage, UiStreamOptions, UiVersion,
};
use ditto_llm::{Error, StreamEvent, TextRequest};
use futures_util::StreamExt;
use serde_json::json;

fn v6(message_id: &str) -> UiStreamOptions {
    UiStreamOptions {
        version: UiVersion::V6,
        message_id: Some(message_id.into()),
        send_sources: true,
        ..Default::default()
    }
}

async fn encode(items: Vec<ditto_llm::Result<StreamEvent>>, opts: UiStreamOptions) -> Vec<u8> {
    encode_ui_stream(futures_util::stream::iter(items), opts)
        .collect::<Vec<_>>()
        .await
        .concat()
}

#[tokio::test]
async fn the_ai6_reader_assembles_every_recorded_stream() {
    if !reader_ready("ai6") {
        return;
    }
    for r in recordings() {
        let mut items: Vec<ditto_llm::Result<StreamEvent>> =
            r.events.iter().cloned().map(Ok).collect();
        if let Some(kind) = r.error {
            items.push(Err(Error::new(kind, "recorded failure")));
        }
        let (code, msg, stderr) = read(&encode(items, v6("msg-1")).await, &["--ai", "6"]);
        let want = if r.error.is_some() { 3 } else { 0 };
        assert_eq!(code, want, "{}: {stderr}", r.name);
        assert_eq!(msg["id"], "msg-1", "{}", r.name);
        assert_eq!(msg["role"], "assistant", "{}", r.name);
        check(&r, &msg);
    }
}

#[tokio::test]
async fn the_ai6_reader_assembles_an_agent_run_paused_for_approval_and_resumed() {
    if !reader_ready("ai6") {
        return;
    }
    let fx = fixture();
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let tools = approval_tools();
    let prompt = fx["prompt"].as_str().unwrap();

    // 1. The first step's two get_weather calls wait for approval.
    let request = TextRequest::new("openai:gpt-4o-mini").prompt(prompt);
    let paused = stream_events(&ditto, request, &tools, &steps(9)).await;
    let ids: Vec<String> = paused
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolApprovalRequest { approval_id, .. } => Some(approval_id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 2);
    let items = paused.into_iter().map(Ok).collect();
    let (code, mut msg, stderr) = read(&encode(items, v6("msg-agent")).await, &["--ai", "6"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(msg["id"], "msg-agent");
    let weather = parts(&msg, |t| t == "tool-get_weather");
    assert_eq!(weather.len(), 2, "{msg:#}");
    for (part, (id, city)) in weather.iter().zip(ids.iter().zip(["Paris", "London"])) {
        assert_eq!(part["state"], "approval-requested", "{part:#}");
        assert_eq!(part["approval"]["id"], id.as_str());
        assert_eq!(part["input"], json!({ "city": city }));
    }

    // 2. The user answers in the UI (what useChat's addToolApprovalResponse does), and the
    // resumed run streams onto the same message: Paris approved, London denied.
    let answers = [(true, None), (false, Some("not today"))];
    for (part, (approved, reason)) in msg["parts"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .filter(|p| p["type"] == "tool-get_weather")
        .zip(answers)
    {
        part["state"] = json!("approval-responded");
        part["approval"]["approved"] = json!(approved);
        if let Some(reason) = reason {
            part["approval"]["reason"] = json!(reason);
        }
    }
    let file = std::env::temp_dir().join(format!("ditto-ui6-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec(&msg).unwrap()).unwrap();

    // What a server does with the next useChat request: the UI messages become model messages
    // (the answered calls stay unanswered tool calls) and the parts' answers become approvals.
    let ui: Vec<UiMessage> = serde_json::from_value(json!([
        {"id": "u1", "role": "user", "parts": [{"type": "text", "text": prompt}]},
        msg,
    ]))
    .unwrap();
    let resume =
        TextRequest::new("openai:gpt-4o-mini").messages(ui_messages_to_messages(&ui).unwrap());
    let approvals = parts(&msg, |t| t == "tool-get_weather")
        .iter()
        .map(|p| {
            let a = &p["approval"];
            let id = a["id"].as_str().unwrap();
            match a["approved"].as_bool().unwrap() {
                true => ToolApprovalResponse::approve(id),
                false => ToolApprovalResponse::deny(id, a["reason"].as_str().map(Into::into)),
            }
        })
        .collect();
    let opts = steps(9).approvals(approvals);
    let resumed = stream_events(&ditto, resume, &tools, &opts).await;
    let items = resumed.into_iter().map(Ok).collect();
    let body = encode(items, v6("msg-agent")).await;
    let path = file.to_str().unwrap();
    let (code, done, stderr) = read(&body, &["--ai", "6", "--message", path]);
    let _ = std::fs::remove_file(&file);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(done["id"], "msg-agent");

    let weather = parts(&done, |t| t == "tool-get_weather");
    assert_eq!(weather.len(), 2, "{done:#}");
    assert_eq!(weather[0]["state"], "output-available");
    assert_eq!(weather[0]["approval"]["approved"], true);
    assert_eq!(
        weather[0]["output"],
        fx["tool_outputs"]["get_weather"][0]["output"]
    );
    assert_eq!(weather[1]["state"], "output-error");
    assert_eq!(weather[1]["approval"]["approved"], false);
    assert_eq!(weather[1]["errorText"], "tool execution denied: not today");
    let convert = parts(&done, |t| t == "tool-convert_temperature");
    assert_eq!(convert.len(), 1, "{done:#}");
    assert_eq!(convert[0]["state"], "output-available");
    assert_eq!(
        convert[0]["output"],
        fx["tool_outputs"]["convert_temperature"][0]["output"]
    );
    assert_eq!(
        joined(&parts(&done, |t| t == "text")),
        fx["expected"]["text"]
    );
    // One step before the pause, two after it.
    assert_eq!(parts(&done, |t| t == "step-start").len(), 3, "{done:#}");
    assert_eq!(server.requests().len(), 3);
}
