use super::*;
use serde_json::json;

fn parse(v: Value) -> Result<AgentCall, Failure> {
    agent_call(&v.to_string())
}

#[test]
fn tools_with_and_without_host_functions() {
    let call = parse(json!({
        "request": {"model": "openai:x", "prompt": "hi"},
        "tools": [{"tool": {"name": "a"}, "host_fn": 1}, {"tool": {"type": "function", "name": "b"}}],
        "options": {"needs_approval": ["b"], "max_steps": 4}
    }))
    .unwrap();
    assert_eq!(call.tools.len(), 2);
    assert!(call.tools.get("a").unwrap().executor.is_some());
    let b = call.tools.get("b").unwrap();
    assert!(b.executor.is_none() && b.needs_approval);
    assert_eq!(call.options.max_steps, 4);
    assert!(call.options.repair.is_none());
}

#[test]
fn host_stop_conditions_join_the_declared_ones() {
    let call = parse(json!({
        "request": {"model": "openai:x"},
        "options": {"stop_when": [{"type": "host", "host_fn": 9}, {"type": "step-count", "count": 2}],
                    "repair_host_fn": 3}
    }))
    .unwrap();
    let kinds: Vec<_> = call
        .options
        .stop_when
        .iter()
        .map(|c| match c {
            StopCondition::StepCount(n) => format!("count {n}"),
            StopCondition::HasToolCall(t) => format!("tool {t}"),
            StopCondition::Custom(_) => "custom".to_owned(),
        })
        .collect();
    assert_eq!(kinds, ["count 2", "custom"]);
    assert!(call.options.repair.is_some());
}

#[test]
fn no_options_means_the_core_defaults() {
    let call = parse(json!({"request": {"model": "openai:x"}})).unwrap();
    assert!(matches!(
        call.options.stop_when[..],
        [StopCondition::StepCount(1)]
    ));
    assert!(call.tools.is_empty());
}
