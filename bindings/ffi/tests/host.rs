//! The host-function bridge and the agent entry points, called the way the Go binding calls
//! them: C callbacks registered once, tools named by host function id, a real mock upstream
//! answering the deterministic `plan:` prompts.

use ditto_ffi::*;
use ditto_mock_upstream::{MockConfig, MockServer, Step};
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use std::ptr::null_mut;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

const ECHO: u64 = 1;
const FAIL: u64 = 2;
const SILENT: u64 = 3;
const BLOCK: u64 = 4;
const REPAIR: u64 = 5;
const STORE: u64 = 6;

static STORED: Mutex<Vec<(String, Value)>> = Mutex::new(Vec::new());

static SERIAL: Mutex<()> = Mutex::new(());
static CANCELLED: Mutex<Vec<u64>> = Mutex::new(Vec::new());

fn reply(call: *mut DittoHostCall, status: i32, text: &str) {
    // SAFETY: `call` is the live invocation; the bytes are copied.
    let rc = unsafe { ditto_host_call_reply(call, status, text.as_ptr(), text.len()) };
    assert_eq!(rc, DITTO_OK);
}

unsafe extern "C" fn host_call(
    fn_id: u64,
    _call_id: u64,
    input: *const c_char,
    call: *mut DittoHostCall,
) {
    // SAFETY: the library passes a NUL-terminated JSON string valid for the call.
    let input: Value =
        serde_json::from_str(unsafe { CStr::from_ptr(input) }.to_str().unwrap()).unwrap();
    match fn_id {
        ECHO => reply(
            call,
            DITTO_OK,
            &json!({"echo": input["tool_call"]["input"], "step": input["step"]}).to_string(),
        ),
        FAIL => reply(call, DITTO_ERROR, "the tool failed"),
        SILENT => {}
        BLOCK => {
            let t0 = Instant::now();
            // SAFETY: `call` is live until we return.
            while !unsafe { ditto_host_call_cancelled(call) }
                && t0.elapsed() < Duration::from_secs(20)
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            reply(call, DITTO_ERROR, "stopped");
        }
        REPAIR => {
            assert_eq!(input["error"]["kind"], "no_object_generated");
            reply(
                call,
                DITTO_OK,
                &json!(format!("{{\"fixed\":{}}}", input["text"])).to_string(),
            )
        }
        STORE => {
            let mut stored = STORED.lock().unwrap();
            let key = input["key"].as_str().unwrap().to_owned();
            let found = stored
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone());
            if input["op"] == "put" {
                stored.push((key, input["value"].clone()));
            }
            reply(call, DITTO_OK, &found.unwrap_or(Value::Null).to_string());
        }
        _ => reply(call, DITTO_ERROR, "unknown function"),
    }
}

unsafe extern "C" fn host_cancel(call_id: u64) {
    CANCELLED.lock().unwrap().push(call_id);
}

/// Serialize the tests (they share the handle counters), register the callbacks, start a mock.
fn setup() -> (MutexGuard<'static, ()>, &'static MockServer) {
    let guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    assert_eq!(
        ditto_host_register(Some(host_call), Some(host_cancel)),
        DITTO_OK
    );
    static MOCK: OnceLock<(tokio::runtime::Runtime, MockServer)> = OnceLock::new();
    let (_, server) = MOCK.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        let server = rt
            .block_on(MockServer::start(MockConfig {
                fixtures_dirs: vec![dir],
                max_recorded: 100,
            }))
            .unwrap();
        (rt, server)
    });
    (guard, server)
}

fn take(p: *mut c_char) -> Value {
    assert!(!p.is_null());
    // SAFETY: from the library, freed once right after reading.
    let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
    // SAFETY: as above.
    unsafe { ditto_string_free(p) };
    serde_json::from_str(&s).unwrap_or(Value::String(s))
}

fn client(server: &MockServer) -> *mut DittoClient {
    let config = json!({"from_env": false, "providers": {"openai": {"api_key": "sk-test", "base_url": server.openai_base_url()}}});
    let config = CString::new(config.to_string()).unwrap();
    let (mut c, mut err) = (null_mut(), null_mut());
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_client_new(config.as_ptr(), &mut c, &mut err) };
    assert_eq!(rc, DITTO_OK);
    c
}

fn run(client: *mut DittoClient, request: &Value, cancel: *const DittoCancel) -> (i32, Value) {
    let req = CString::new(request.to_string()).unwrap();
    let mut out = null_mut();
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_run_agent(client, req.as_ptr(), cancel, &mut out) };
    (rc, take(out))
}

fn wait_idle() {
    let t0 = Instant::now();
    while ditto_handle_counts().host_calls != 0 {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "host calls still running"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn agent(prompt: &str, tools: Value, steps: u32) -> Value {
    json!({"request": {"model": "openai:gpt-4o-mini", "prompt": prompt}, "tools": tools,
           "options": {"stop_when": [{"type": "step-count", "count": steps}]}})
}

#[test]
fn host_tools_run_and_their_failures_become_tool_errors() {
    let (_g, server) = setup();
    let c = client(server);
    let tools = json!([
        {"tool": {"type": "function", "name": "echo"}, "host_fn": ECHO},
        {"tool": {"name": "fail"}, "host_fn": FAIL},
        {"tool": {"name": "silent"}, "host_fn": SILENT}
    ]);
    let prompt =
        r#"Go. plan: call:echo {"a":1} & call:fail {} & call:silent {} | call:echo {"b":2} | done"#;
    let (rc, r) = run(c, &agent(prompt, tools, 5), std::ptr::null());
    assert_eq!(rc, DITTO_OK, "{r}");
    assert_eq!(r["steps"].as_array().unwrap().len(), 3);
    assert_eq!(r["text"], "done");
    let results = &r["steps"][0]["tool_results"];
    assert_eq!(
        results[0]["output"],
        json!({"type": "json", "value": {"echo": {"a": 1}, "step": 0}})
    );
    assert_eq!(
        results[1]["output"],
        json!({"type": "error-text", "value": "the tool failed"})
    );
    assert!(
        results[2]["output"]["value"]
            .as_str()
            .unwrap()
            .contains("without a reply"),
        "{results}"
    );
    assert_eq!(
        r["steps"][1]["tool_results"][0]["output"]["value"]["step"],
        1
    );
    wait_idle();
    // SAFETY: freed once.
    unsafe { ditto_client_free(c) };
}

#[test]
fn cancelling_a_run_cancels_the_running_host_functions() {
    let (_g, server) = setup();
    let c = client(server);
    CANCELLED.lock().unwrap().clear();
    let tools = json!([{"tool": {"name": "block"}, "host_fn": BLOCK}]);
    let token = ditto_cancel_new() as usize;
    let trigger = std::thread::spawn(move || {
        let t0 = Instant::now();
        while ditto_handle_counts().host_calls < 2 && t0.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(5));
        }
        // SAFETY: the token is alive until after this thread is joined.
        unsafe { ditto_cancel_trigger(token as *const DittoCancel) };
    });
    let t0 = Instant::now();
    let (rc, err) = run(
        c,
        &agent("Go. plan: call:block {} & call:block {} | done", tools, 3),
        token as *const DittoCancel,
    );
    trigger.join().unwrap();
    assert_eq!(rc, DITTO_ERROR);
    assert_eq!(err["kind"], "cancelled");
    assert!(t0.elapsed() < Duration::from_secs(10));
    wait_idle();
    assert_eq!(
        CANCELLED.lock().unwrap().len(),
        2,
        "both invocations were cancelled"
    );
    // SAFETY: freed once, nothing uses them any more.
    unsafe {
        ditto_cancel_free(token as *mut DittoCancel);
        ditto_client_free(c);
    }
}

#[test]
fn agent_streams_yield_tool_events_and_free_cleanly() {
    let (_g, server) = setup();
    let c = client(server);
    let before = ditto_handle_counts();
    let req = agent(
        r#"Go. plan: call:echo {"x":1} | ok"#,
        json!([{"tool": {"name": "echo"}, "host_fn": ECHO}]),
        4,
    );
    let req = CString::new(req.to_string()).unwrap();
    let (mut s, mut err) = (null_mut(), null_mut());
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_agent_stream_open(c, req.as_ptr(), &mut s, &mut err) };
    assert_eq!(rc, DITTO_OK);
    let mut types = Vec::new();
    loop {
        let mut out = null_mut();
        // SAFETY: a live stream.
        match unsafe { ditto_stream_next(s, -1, &mut out) } {
            DITTO_OK => types.push(take(out)["type"].as_str().unwrap().to_owned()),
            DITTO_DONE => break,
            rc => panic!("{rc}: {}", take(out)),
        }
    }
    assert!(types.contains(&"tool-result".to_owned()), "{types:?}");
    assert_eq!(types.last().map(String::as_str), Some("finish"));
    // SAFETY: freed once.
    unsafe { ditto_stream_free(s) };
    wait_idle();
    assert_eq!(ditto_handle_counts().streams, before.streams);
    // SAFETY: freed once.
    unsafe { ditto_client_free(c) };
}

#[test]
fn bad_agent_requests_are_invalid_requests() {
    let (_g, server) = setup();
    let c = client(server);
    let cases = [
        json!({"request": {"model": "openai:x", "prompt": "hi"}, "extra": 1}),
        json!({"tools": []}),
        json!({"request": {"model": "openai:x"}, "tools": [{"tool": {"name": "a"}, "host_fn": "one"}]}),
        json!({"request": {"model": "openai:x"}, "tools": [{"tool": {"name": "a"}}, {"tool": {"name": "a"}}]}),
        json!({"request": {"model": "openai:x"}, "options": {"needs_approval": ["nope"]}}),
        json!({"request": {"model": "openai:x"}, "options": {"stop_when": [{"type": "host"}]}}),
        json!({"request": {"model": "openai:x"}, "options": {"max_steps": 0}}),
    ];
    for case in cases {
        let (rc, err) = run(c, &case, std::ptr::null());
        assert_ne!(rc, DITTO_OK, "{case}");
        assert_eq!(err["kind"], "invalid_request", "{case}: {err}");
    }
    // SAFETY: freed once.
    unsafe { ditto_client_free(c) };
}

#[test]
fn host_replies_are_checked() {
    // SAFETY: NULL call and NULL data with a length are rejected, not dereferenced.
    unsafe {
        assert_eq!(
            ditto_host_call_reply(null_mut(), DITTO_OK, std::ptr::null(), 0),
            DITTO_INVALID_ARGUMENT
        );
        assert!(!ditto_host_call_cancelled(std::ptr::null()));
    }
    assert_eq!(ditto_host_register(None, None), DITTO_INVALID_ARGUMENT);
}

fn chat_body(text: &str) -> Value {
    json!({"id": "c1", "object": "chat.completion", "created": 1, "model": "m",
           "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
           "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}})
}

fn object_client(server: &MockServer, key: &str) -> *mut DittoClient {
    let config = json!({"from_env": false, "providers": {"openai": {"api_key": "sk-test",
        "base_url": server.openai_base_url(), "headers": {"x-mock-scenario": key}}}});
    let config = CString::new(config.to_string()).unwrap();
    let (mut c, mut err) = (null_mut(), null_mut());
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_client_new(config.as_ptr(), &mut c, &mut err) };
    assert_eq!(rc, DITTO_OK);
    c
}

fn generate_object(client: *mut DittoClient, request: &Value) -> (i32, Value) {
    let req = CString::new(request.to_string()).unwrap();
    let mut out = null_mut();
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_generate_object(client, req.as_ptr(), std::ptr::null(), &mut out) };
    (rc, take(out))
}

#[test]
fn objects_generate_fail_and_are_repaired_by_a_host_function() {
    let (_g, server) = setup();
    let step = |text: &str| Step {
        body: Some(chat_body(text)),
        ..Step::default()
    };
    server.push_scenario("obj", vec![step(r#"{"a": 1}"#), step("no json"), step("7")]);
    let c = object_client(server, "obj");
    let schema = json!({"type": "object", "required": ["a"]});
    let req = json!({"model": "openai:gpt-4o-mini", "prompt": "x", "schema": schema});
    let (rc, r) = generate_object(c, &req);
    assert_eq!(rc, DITTO_OK, "{r}");
    assert_eq!(r["object"], json!({"a": 1}));
    let (rc, err) = generate_object(c, &req);
    assert_eq!(rc, DITTO_ERROR);
    assert_eq!(err["kind"], "no_object_generated");
    assert_eq!(err["text"], "no json");
    assert_eq!(err["usage"]["output_tokens"], 4);
    let repaired = json!({"model": "openai:gpt-4o-mini", "prompt": "x", "output": "no-schema",
                          "repair_host_fn": REPAIR, "mode": "json"});
    let (rc, r) = generate_object(c, &repaired);
    assert_eq!(rc, DITTO_OK, "{r}");
    assert_eq!(r["object"], json!(7));
    let (rc, err) = generate_object(
        c,
        &json!({"model": "openai:gpt-4o-mini", "repair_host_fn": "x"}),
    );
    assert_eq!(
        (rc, err["kind"].as_str()),
        (DITTO_ERROR, Some("invalid_request"))
    );
    wait_idle();
    // SAFETY: freed once.
    unsafe { ditto_client_free(c) };
}

#[test]
fn object_streams_yield_partials_then_finish() {
    let (_g, server) = setup();
    let frames = [r#"{"a":"#, r#"1,"b":"#, r#"2}"#]
        .iter()
        .map(|d| {
            json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                         "choices": [{"index": 0, "delta": {"content": d}, "finish_reason": null}]})
            .to_string()
        })
        .chain([
            json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            .to_string(),
        ])
        .collect();
    server.push_scenario(
        "objs",
        vec![Step {
            sse: Some(frames),
            ..Step::default()
        }],
    );
    let c = object_client(server, "objs");
    let req = json!({"model": "openai:gpt-4o-mini", "prompt": "x", "schema": {"type": "object"}});
    let req = CString::new(req.to_string()).unwrap();
    let (mut s, mut err) = (null_mut(), null_mut());
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_object_stream_open(c, req.as_ptr(), &mut s, &mut err) };
    assert_eq!(rc, DITTO_OK);
    let mut partials = Vec::new();
    let mut last = Value::Null;
    loop {
        let mut out = null_mut();
        // SAFETY: a live stream.
        match unsafe { ditto_stream_next(s, -1, &mut out) } {
            DITTO_OK => {
                let ev = take(out);
                if ev["type"] == "partial-object" {
                    partials.push(ev["object"].clone());
                }
                last = ev;
            }
            DITTO_DONE => break,
            rc => panic!("{rc}: {}", take(out)),
        }
    }
    assert_eq!(
        partials,
        [json!({}), json!({"a": 1}), json!({"a": 1, "b": 2})]
    );
    assert_eq!(last["type"], "finish");
    assert_eq!(last["object"], json!({"a": 1, "b": 2}));
    // SAFETY: freed once each.
    unsafe {
        ditto_stream_free(s);
        ditto_client_free(c);
    }
}

#[test]
fn a_host_cache_store_serves_the_second_call() {
    let (_g, server) = setup();
    let config = json!({"from_env": false,
        "providers": {"openai": {"api_key": "sk-test", "base_url": server.openai_base_url()}},
        "aliases": {"cached": {"model": "openai:gpt-4o-mini", "middleware": [{"type": "cache"}]}},
        "cache_store_host_fn": STORE});
    let config = CString::new(config.to_string()).unwrap();
    let (mut c, mut err) = (null_mut(), null_mut());
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_client_new(config.as_ptr(), &mut c, &mut err) };
    assert_eq!(rc, DITTO_OK);
    let req = CString::new(r#"{"model": "cached", "prompt": "store me"}"#).unwrap();
    let mut texts = Vec::new();
    let before = server.requests().len();
    for _ in 0..2 {
        let mut out = null_mut();
        // SAFETY: valid pointers.
        let rc = unsafe { ditto_generate_text(c, req.as_ptr(), std::ptr::null(), &mut out) };
        let r = take(out);
        assert_eq!(rc, DITTO_OK, "{r}");
        texts.push(r["text"].clone());
    }
    assert_eq!(texts[0], texts[1]);
    assert_eq!(
        server.requests().len(),
        before + 1,
        "the second call came from the store"
    );
    assert_eq!(STORED.lock().unwrap().len(), 1);
    let bad = CString::new(r#"{"cache_store_host_fn": "x"}"#).unwrap();
    let mut c2 = null_mut();
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_client_new(bad.as_ptr(), &mut c2, &mut err) };
    assert_eq!(rc, DITTO_ERROR);
    assert_eq!(take(err)["kind"], "config");
    wait_idle();
    // SAFETY: freed once.
    unsafe { ditto_client_free(c) };
}
