//! Figures 3 and 4, over real sockets against `ditto_mock_upstream::MockServer`: the agent
//! loop against the same model calls made directly, and cache hits against misses.

use crate::rounds::{bx, table, Rounds};
use ditto_llm::agent::{run_agent, AgentSpec, AgentTool, ToolContext, ToolExecutor, ToolSet};
use ditto_llm::{
    generate_text, Ditto, DittoConfig, LanguageModel, Message, TextRequest, Tool, ToolCall,
};
use ditto_mock_upstream::{MockConfig, MockServer};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::runtime::Runtime;

/// Start the mock and a client with `openai` pointed at it and a `cached` alias.
pub fn start(rt: &Runtime) -> (MockServer, Ditto) {
    let server = rt
        .block_on(MockServer::start(MockConfig {
            fixtures_dirs: Vec::new(),
            max_recorded: 16,
        }))
        .expect("mock upstream starts");
    let config: DittoConfig = serde_json::from_value(json!({
        "from_env": false,
        "max_retries": 0,
        "providers": {"openai": {
            "type": "openai",
            "base_url": server.openai_base_url(),
            "api_key": "sk-bench",
        }},
        "aliases": {"cached": {"model": "openai:gpt-4o-mini", "middleware": [
            {"type": "cache", "max_entries": 1000},
        ]}},
    }))
    .expect("config");
    (server, Ditto::from_config(config).expect("client builds"))
}

/// Answers from the fixture's `[{input, output}]` table.
#[derive(Debug)]
struct Lookup(Vec<(Value, Value)>);

#[async_trait::async_trait]
impl ToolExecutor for Lookup {
    async fn execute(&self, call: &ToolCall, _: &ToolContext) -> Result<Value, String> {
        self.0
            .iter()
            .find(|(input, _)| *input == call.input)
            .map(|(_, output)| output.clone())
            .ok_or_else(|| "unknown input".to_owned())
    }
}

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/agent/two-tools-three-steps.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture readable"))
        .expect("fixture JSON")
}

/// Measure and print figure 3.
pub fn agent(rounds: &Rounds, rt: &Runtime, server: &MockServer, ditto: &Ditto) {
    let fx = fixture();
    let defs: Vec<Tool> = serde_json::from_value(fx["tools"].clone()).expect("tools");
    let mut tools = ToolSet::new();
    for tool in &defs {
        let table = fx["tool_outputs"][tool.name()]
            .as_array()
            .expect("tool outputs")
            .iter()
            .map(|row| (row["input"].clone(), row["output"].clone()))
            .collect();
        tools.insert(AgentTool::new(tool.clone(), Arc::new(Lookup(table))));
    }
    let spec: AgentSpec = serde_json::from_value(fx["options"].clone()).expect("options");
    let opts = spec.into_options(&mut tools).expect("valid options");
    let model_name = fx["model"].as_str().expect("model");
    let prompt = fx["prompt"].as_str().expect("prompt");
    let model: Arc<dyn LanguageModel> = ditto.language_model(model_name).expect("model");
    let request = TextRequest::new(model_name).prompt(prompt);

    // One run to check the plan and to build the same three calls for the direct variant.
    let first = rt
        .block_on(run_agent(model.clone(), &request, &tools, &opts))
        .expect("agent runs");
    assert_eq!(first.steps.len(), 3);
    assert_eq!(first.text, fx["expected"]["text"].as_str().expect("text"));
    let calls: Vec<TextRequest> = [0, 2, 4]
        .iter()
        .map(|&k| {
            let mut messages = vec![Message::user(prompt)];
            messages.extend(first.response_messages[..k].iter().cloned());
            TextRequest::new(model_name)
                .messages(messages)
                .tools(defs.clone())
        })
        .collect();
    // The direct calls send exactly what the agent sent.
    let bodies = |n: usize| -> Vec<Value> {
        let recorded = server.requests();
        recorded[recorded.len() - n..]
            .iter()
            .map(|r| r.body.clone())
            .collect()
    };
    let agent_bodies = bodies(3);
    let last = rt.block_on(async {
        let mut last = None;
        for call in &calls {
            last = Some(
                generate_text(model.as_ref(), call)
                    .await
                    .expect("direct call"),
            );
        }
        last.expect("three calls")
    });
    assert_eq!(last.text, first.text);
    assert_eq!(
        bodies(3),
        agent_bodies,
        "direct calls differ from the agent's"
    );

    let m = rounds.measure(vec![
        (
            "3 × generate_text, direct",
            bx(|| {
                rt.block_on(async {
                    for call in &calls {
                        black_box(generate_text(model.as_ref(), call).await.expect("call"));
                    }
                })
            }),
        ),
        (
            "run_agent (3 steps, 3 tool executions)",
            bx(|| {
                black_box(
                    rt.block_on(run_agent(model.clone(), &request, &tools, &opts))
                        .expect("agent runs"),
                );
            }),
        ),
    ]);
    let direct = m.median_ns(0);
    let rows = (0..m.names.len())
        .map(|v| {
            let ns = m.median_ns(v);
            vec![
                m.names[v].clone(),
                format!("{:.0}", ns / 1e3),
                format!("{:+.0}", (ns - direct) / 1e3),
                format!("{:.2}×", m.ratio(v, 0)),
            ]
        })
        .collect::<Vec<_>>();
    table(
        "3. Agent loop (fixture two-tools-three-steps, OpenAI chat on the mock)",
        &["variant", "µs per run", "added µs", "time vs direct"],
        &rows,
    );
}

/// Measure and print figure 4.
pub fn cache(rounds: &Rounds, rt: &Runtime, ditto: &Ditto) {
    let hit_prompt = "one two three four five six seven eight nine ten";
    let unique = AtomicU64::new(0);
    let fresh = || format!("{hit_prompt} {}", unique.fetch_add(1, Ordering::Relaxed));
    let generate = |model: &str, prompt: String| {
        rt.block_on(ditto.generate_text(TextRequest::new(model).prompt(prompt)))
            .expect("call")
    };
    let stream = |model: &str, prompt: String| {
        rt.block_on(async {
            let mut s = ditto
                .stream_text(TextRequest::new(model).prompt(prompt))
                .await
                .expect("stream starts");
            let mut n = 0;
            while let Some(e) = s.next().await {
                black_box(e.expect("event"));
                n += 1;
            }
            n
        })
    };
    // Fill the cache; the replay must equal the live answer.
    let live = generate("cached", hit_prompt.to_owned());
    assert_eq!(generate("cached", hit_prompt.to_owned()).text, live.text);
    let live_events = stream("cached", hit_prompt.to_owned());
    assert_eq!(stream("cached", hit_prompt.to_owned()), live_events);

    let m = rounds.measure(vec![
        (
            "generate_text, cache miss (new prompt each call)",
            bx(|| {
                black_box(generate("cached", fresh()));
            }),
        ),
        (
            "generate_text, cache hit",
            bx(|| {
                black_box(generate("cached", hit_prompt.to_owned()));
            }),
        ),
        (
            "generate_text, no cache layer",
            bx(|| {
                black_box(generate("openai:gpt-4o-mini", fresh()));
            }),
        ),
        (
            "stream_text, cache miss (new prompt each call)",
            bx(|| {
                black_box(stream("cached", fresh()));
            }),
        ),
        (
            "stream_text, cache hit (replayed event for event)",
            bx(|| {
                black_box(stream("cached", hit_prompt.to_owned()));
            }),
        ),
        (
            "stream_text, no cache layer",
            bx(|| {
                black_box(stream("openai:gpt-4o-mini", fresh()));
            }),
        ),
    ]);
    let rows = (0..m.names.len())
        .map(|v| {
            let miss = if v < 3 { 0 } else { 3 };
            vec![
                m.names[v].clone(),
                format!("{:.1}", m.median_ns(v) / 1e3),
                format!("{:.3}×", m.ratio(v, miss)),
            ]
        })
        .collect::<Vec<_>>();
    table(
        &format!("4. Cache (alias with a `cache` layer; stream of {live_events} events)"),
        &["variant", "µs per call", "time vs miss"],
        &rows,
    );
}
