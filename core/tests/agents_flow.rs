//! The agent loop's flow over real sockets: parallel and bounded tool execution, approval
//! pause and resume, and cancellation when the stream is dropped.

mod common;

use common::agent::*;
use common::*;
use ditto_llm::agent::{ToolApprovalResponse, ToolSet};
use ditto_llm::{ErrorKind, Message, Role, StreamEvent, TextRequest, ToolCall, ToolResultOutput};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Barrier, Notify};

/// `call:get_weather {"city":"c0"} & ...` for `n` cities, then `done`.
fn parallel_plan(n: usize) -> String {
    let calls: Vec<String> = (0..n)
        .map(|i| format!("call:get_weather {{\"city\":\"c{i}\"}}"))
        .collect();
    format!("{} | done", calls.join(" & "))
}

#[tokio::test]
async fn parallel_tools_really_run_at_once_and_results_keep_call_order() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let barrier = Arc::new(Barrier::new(3));
    let tool = weather_tool(Arc::new(FnTool(move |call: ToolCall| {
        let barrier = barrier.clone();
        async move {
            // Only passes when all three calls wait here at the same time.
            tokio::time::timeout(Duration::from_secs(5), barrier.wait())
                .await
                .map_err(|_| "calls did not run concurrently".to_owned())?;
            Ok(json!({"city": call.input["city"]}))
        }
    })));
    let tools = ToolSet::new().with(tool);
    let opts = steps(5).max_parallel_tools(3);
    let r = ditto
        .run_agent(plan_request(&parallel_plan(3)), &tools, &opts)
        .await
        .unwrap();
    let outputs: Vec<_> = r.steps[0]
        .tool_results
        .iter()
        .map(|t| t.output.clone())
        .collect();
    let expected: Vec<_> = (0..3)
        .map(|i| ToolResultOutput::Json(json!({"city": format!("c{i}")})))
        .collect();
    assert_eq!(outputs, expected);
    assert_eq!(r.text, "done");
    let sent = tool_contents(&server.requests()[1].body);
    assert_eq!(
        sent,
        [
            "{\"city\":\"c0\"}",
            "{\"city\":\"c1\"}",
            "{\"city\":\"c2\"}"
        ]
    );
}

#[tokio::test]
async fn parallel_tools_are_bounded_by_max_parallel_tools() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (r2, p2) = (running.clone(), peak.clone());
    let tool = weather_tool(Arc::new(FnTool(move |call: ToolCall| {
        let (running, peak) = (r2.clone(), p2.clone());
        async move {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            // Later calls finish first, so order is kept by the loop, not by timing.
            let i: u64 = call.input["city"].as_str().unwrap()[1..].parse().unwrap();
            tokio::time::sleep(Duration::from_millis(60 - 10 * i)).await;
            running.fetch_sub(1, Ordering::SeqCst);
            Ok(json!(i))
        }
    })));
    let tools = ToolSet::new().with(tool);
    let opts = steps(5).max_parallel_tools(2);
    let events = stream_events(&ditto, plan_request(&parallel_plan(5)), &tools, &opts).await;
    assert_eq!(peak.load(Ordering::SeqCst), 2);
    let outputs: Vec<Value> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolResult { output, .. } => Some(output.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(outputs, [json!(0), json!(1), json!(2), json!(3), json!(4)]);
}

#[tokio::test]
async fn approval_pauses_then_resumes_with_approved_and_denied_calls() {
    let fx = fixture();
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let tools = approval_tools();
    let prompt = fx["prompt"].as_str().unwrap();
    let request = TextRequest::new("openai:gpt-4o-mini").prompt(prompt);

    let paused = ditto
        .run_agent(request.clone(), &tools, &steps(9))
        .await
        .unwrap();
    assert_eq!(paused.steps.len(), 1);
    assert_eq!(server.requests().len(), 1);
    assert!(paused.steps[0].tool_results.is_empty());
    let ids: Vec<&str> = paused
        .pending_approvals
        .iter()
        .map(|p| p.approval_id.as_str())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(
        paused.pending_approvals[1].tool_call.input,
        json!({"city": "London"})
    );

    // Resume: the earlier messages plus the answers.
    let mut messages = vec![Message::user(prompt)];
    messages.extend(paused.response_messages.clone());
    let resume = TextRequest::new("openai:gpt-4o-mini").messages(messages);
    let opts = steps(9).approvals(vec![
        ToolApprovalResponse::approve(ids[0]),
        ToolApprovalResponse::deny(ids[1], Some("not today".into())),
    ]);
    let done = ditto
        .run_agent(resume.clone(), &tools, &opts)
        .await
        .unwrap();
    assert_eq!(done.steps.len(), 2);
    assert!(done.pending_approvals.is_empty());
    assert_eq!(done.text, fx["expected"]["text"]);
    assert_eq!(done.response_messages[0].role, Role::Tool);
    let sent = tool_contents(&server.requests()[1].body);
    assert_eq!(
        sent,
        [
            "{\"celsius\":21,\"city\":\"Paris\",\"condition\":\"sunny\"}",
            "tool execution denied: not today"
        ]
    );

    // The same resume as a stream: results first, then the remaining steps.
    let events = stream_events(&ditto, resume, &tools, &opts).await;
    let types: Vec<&str> = events.iter().map(StreamEvent::type_name).collect();
    assert_eq!(
        &types[..4],
        ["start", "tool-result", "tool-error", "start-step"]
    );
    assert_eq!(*types.last().unwrap(), "finish");
}

#[tokio::test]
async fn stream_emits_approval_requests_and_stops() {
    let fx = fixture();
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let request = TextRequest::new("openai:gpt-4o-mini").prompt(fx["prompt"].as_str().unwrap());
    let events = stream_events(&ditto, request, &approval_tools(), &steps(9)).await;
    let approvals: Vec<&StreamEvent> = events
        .iter()
        .filter(|e| e.type_name() == "tool-approval-request")
        .collect();
    assert_eq!(approvals.len(), 2);
    let json = serde_json::to_value(approvals[0]).unwrap();
    assert_eq!(json["type"], "tool-approval-request");
    assert_eq!(json["tool_call"]["tool_name"], "get_weather");
    assert!(json["approval_id"]
        .as_str()
        .unwrap()
        .starts_with("approval-"));
    let types: Vec<&str> = events.iter().map(StreamEvent::type_name).collect();
    assert_eq!(&types[types.len() - 2..], ["finish-step", "finish"]);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn unknown_approval_id_is_an_invalid_request() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let opts = steps(3).approvals(vec![ToolApprovalResponse::approve("approval-nope")]);
    let err = ditto
        .run_agent(plan_request("hi"), &approval_tools(), &opts)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ditto_llm::ErrorKind::InvalidRequest);
    assert!(err.message().contains("approval-nope"));
    assert_eq!(server.requests().len(), 0);
}

#[tokio::test]
async fn dropping_the_stream_cancels_the_model_call() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let request = TextRequest::new("openai:gpt-4o-mini")
        .prompt("one two three four five six seven eight nine ten")
        .header("x-mock-chunk-delay-ms", "200");
    let mut s = ditto
        .stream_agent(request, &ToolSet::new(), &steps(3))
        .unwrap();
    while let Some(ev) = s.next().await {
        if ev.unwrap().type_name() == "text-delta" {
            break;
        }
    }
    drop(s);
    let stats = wait_for(|| server.stats().streams_disconnected == 1).await;
    assert!(stats, "{:?}", server.stats());
    assert_eq!(server.stats().streams_completed, 0);
}

/// Sets its flag when dropped.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn dropping_the_stream_cancels_running_tools() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let started = Arc::new(Notify::new());
    let dropped = Arc::new(AtomicBool::new(false));
    let (s2, d2) = (started.clone(), dropped.clone());
    let slow = weather_tool(Arc::new(FnTool(move |_call: ToolCall| {
        let (started, guard) = (s2.clone(), DropFlag(d2.clone()));
        async move {
            let _guard = guard;
            started.notify_one();
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(json!("late"))
        }
    })));
    let tools = ToolSet::new().with(slow);
    let mut s = ditto
        .stream_agent(
            plan_request("call:get_weather {\"city\":\"Paris\"} | done"),
            &tools,
            &steps(3),
        )
        .unwrap();
    loop {
        tokio::select! {
            ev = s.next() => assert!(ev.expect("the stream waits for the tool").is_ok()),
            _ = started.notified() => break,
        }
    }
    assert!(!dropped.load(Ordering::SeqCst));
    drop(s);
    assert!(dropped.load(Ordering::SeqCst));
    assert_eq!(server.requests().len(), 1);
}

async fn wait_for(check: impl Fn() -> bool) -> bool {
    for _ in 0..200 {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

#[tokio::test]
async fn model_error_ends_the_run() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let request =
        plan_request("call:get_weather {\"city\":\"Paris\"} | done").header("x-mock-status", "400");
    let err = ditto
        .run_agent(request.clone(), &ToolSet::new(), &steps(3))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    let events: Vec<_> = ditto
        .stream_agent(request, &ToolSet::new(), &steps(3))
        .unwrap()
        .collect()
        .await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].as_ref().unwrap().type_name(), "start");
    assert_eq!(events[1].as_ref().unwrap_err().status(), Some(400));
}

#[tokio::test]
async fn an_upstream_reset_at_step_two_ends_the_run_with_a_connection_error() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[("x-mock-scenario", "reset2")]);
    let plan = "call:get_weather {\"city\":\"Paris\"} | one two three four five six";
    // `run_agent` makes non-streaming calls (the JSON body is one frame): cut it after the
    // headers. `stream_agent` streams: cut it after three events.
    let reset = |after: usize| {
        vec![
            ditto_mock_upstream::Step::default(),
            ditto_mock_upstream::Step {
                reset_after_chunks: Some(after),
                ..Default::default()
            },
        ]
    };
    let tools = fixture_tools(&fixture());
    server.push_scenario("reset2", reset(0));
    let err = ditto
        .run_agent(plan_request(plan), &tools, &steps(5))
        .await
        .unwrap_err();
    assert!(
        err.kind() == ErrorKind::Connection,
        "{:?}: {err}",
        err.kind()
    );
    assert_eq!(server.requests().len(), 2);

    server.clear_requests();
    server.push_scenario("reset2", reset(3));
    let events: Vec<_> = ditto
        .stream_agent(plan_request(plan), &tools, &steps(5))
        .unwrap()
        .collect()
        .await;
    let (last, rest) = events.split_last().unwrap();
    let e = last.as_ref().unwrap_err();
    assert!(e.kind() == ErrorKind::Connection, "{:?}: {e}", e.kind());
    let names: Vec<_> = rest
        .iter()
        .map(|e| e.as_ref().unwrap().type_name())
        .collect();
    assert!(names.contains(&"finish-step"), "step 1 finished: {names:?}");
    assert!(!names.contains(&"finish"), "{names:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn stream_agent_turns_malformed_tool_arguments_into_a_tool_error() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let tools = fixture_tools(&fixture());
    let events = stream_events(
        &ditto,
        plan_request("call:get_weather {city:Paris | done"),
        &tools,
        &steps(5),
    )
    .await;
    let errors: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolError { error, .. } => Some(error.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(errors.len(), 1, "{events:?}");
    assert!(
        errors[0].starts_with("invalid input for tool `get_weather`"),
        "{errors:?}"
    );
    assert_eq!(events.last().unwrap().type_name(), "finish");
    let sent = tool_contents(&server.requests()[1].body);
    assert!(sent[0].starts_with("invalid input"), "{sent:?}");
}
