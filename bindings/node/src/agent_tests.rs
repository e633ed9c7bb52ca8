use super::*;

fn echo_host() -> HostBridge {
    HostBridge::from_fn(|req| {
        let v: Value = serde_json::from_str(&req).unwrap();
        match v["fn"].as_str() {
            Some("tool") if v["args"]["name"] == "fails" => {
                Ok(json!({"error": "it broke"}).to_string())
            }
            Some("tool") => Ok(json!({"ok": {"got": v["args"]["input"]}}).to_string()),
            Some("stop") => {
                Ok(json!({"ok": v["args"]["steps"].as_array().unwrap().len() >= 2}).to_string())
            }
            Some("repair-tool-call") => Ok(json!({"ok": {
                "toolCallId": v["args"]["toolCall"]["toolCallId"],
                "toolName": v["args"]["toolCall"]["toolName"],
                "input": {"fixed": true}
            }})
            .to_string()),
            _ => Err("unknown".into()),
        }
    })
}

const REQUEST: &str = r#"{"model":"mock:echo","prompt":"hi","tools":{
  "weather":{"description":"w","inputSchema":{"type":"object"}},
  "fails":{"inputSchema":{"type":"object"}},
  "client":{"inputSchema":{"type":"object"}}}}"#;

#[tokio::test]
async fn tools_with_execute_call_the_host() {
    let host = echo_host();
    let call = agent_call(REQUEST, r#"{"execute":["weather","fails"]}"#, &host).unwrap();
    assert!(call.request.tools.is_empty());
    assert_eq!(call.tools.len(), 3);
    assert!(call.tools.get("client").unwrap().executor.is_none());
    let tc = ToolCall {
        tool_call_id: "c1".into(),
        tool_name: "weather".into(),
        input: json!({"city": "Paris"}),
        invalid_input: false,
        provider_executed: false,
        provider_metadata: None,
    };
    let ctx = ToolContext::default();
    let weather = call.tools.get("weather").unwrap().executor.clone().unwrap();
    assert_eq!(
        weather.execute(&tc, &ctx).await,
        Ok(json!({"got": {"city": "Paris"}}))
    );
    let fails = call.tools.get("fails").unwrap().executor.clone().unwrap();
    assert_eq!(fails.execute(&tc, &ctx).await, Err("it broke".into()));
}

#[tokio::test]
async fn stop_conditions_and_repair_come_from_the_wire() {
    let host = echo_host();
    let agent = r#"{"stop_when":[{"type":"step-count","count":3},{"type":"has-tool-call","tool_name":"x"},{"type":"custom","id":0}],
        "max_steps":5,"max_parallel_tools":2,"repair":true,"needs_approval":["weather"],
        "approvals":[{"approval_id":"approval-c1","approved":false,"reason":"no"}]}"#;
    let call = agent_call(REQUEST, agent, &host).unwrap();
    let o = &call.options;
    assert_eq!(
        (o.max_steps, o.max_parallel_tools, o.approvals.len()),
        (5, 2, 1)
    );
    assert!(call.tools.get("weather").unwrap().needs_approval);
    assert!(matches!(o.stop_when[0], StopCondition::StepCount(3)));
    assert!(matches!(&o.stop_when[1], StopCondition::HasToolCall(n) if n == "x"));
    assert!(!o.stop_when[2].is_met(&[StepResult::default()]).await);
    assert!(
        o.stop_when[2]
            .is_met(&[StepResult::default(), StepResult::default()])
            .await
    );
    let tc = ToolCall {
        tool_call_id: "c1".into(),
        tool_name: "weather".into(),
        input: json!("not json"),
        invalid_input: true,
        provider_executed: false,
        provider_metadata: None,
    };
    let fixed = o
        .repair
        .as_ref()
        .unwrap()
        .repair(&tc, "bad", &[])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (fixed.tool_call_id.as_str(), fixed.input.clone()),
        ("c1", json!({"fixed": true}))
    );
}

#[test]
fn max_steps_alone_means_up_to_that_many_steps() {
    let call = agent_call(REQUEST, r#"{"max_steps":4}"#, &echo_host()).unwrap();
    assert!(matches!(
        call.options.stop_when[..],
        [StopCondition::StepCount(4)]
    ));
}

#[test]
fn bad_agent_options_are_invalid_requests() {
    let host = echo_host();
    for (agent, needle) in [
        (r#"{"bogus":1}"#, "bogus"),
        (r#"{"execute":["nope"]}"#, "nope"),
        (r#"{"needs_approval":["nope"]}"#, "nope"),
        (r#"{"max_steps":0}"#, "max_steps"),
        (r#"{"stop_when":[{"type":"custom"}]}"#, "id"),
    ] {
        let err = agent_call(REQUEST, agent, &host).unwrap_err();
        assert_eq!(err.kind(), ditto_llm::ErrorKind::InvalidRequest, "{agent}");
        assert!(err.message().contains(needle), "{agent}: {}", err.message());
    }
}
