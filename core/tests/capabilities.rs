//! The capability matrix in `docs/providers.md` is generated from
//! `ditto_llm::providers::capabilities`, and every claim there is checked against the code:
//! registry lookups and real calls to the mock upstream.

mod common;

use common::*;
use ditto_llm::providers::capabilities::{markdown_table, CAPABILITIES};
use ditto_llm::{ContentPart, ErrorKind, Message, Role, TextRequest, Tool, Warning};
use futures_util::StreamExt;
use serde_json::json;

const START: &str = "<!-- capabilities:start (generated from core/src/providers/capabilities.rs; core/tests/capabilities.rs checks it) -->";
const END: &str = "<!-- capabilities:end -->";

#[test]
fn docs_embed_the_generated_matrix() {
    let path = repo_root().join("docs/providers.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let table = markdown_table();
    let start = doc
        .find(START)
        .expect("docs/providers.md has the start marker")
        + START.len();
    let end = doc.find(END).expect("docs/providers.md has the end marker");
    let current = doc[start..end].trim();
    if current != table.trim() {
        if std::env::var("DITTO_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
            let updated = format!("{}\n{}{}", &doc[..start], table, &doc[end..]);
            std::fs::write(&path, updated).unwrap();
            return;
        }
        panic!("docs/providers.md is out of date; rerun with DITTO_UPDATE_SNAPSHOTS=1\nexpected:\n{table}");
    }
}

fn user_with(part: serde_json::Value) -> Message {
    Message::with_parts(
        Role::User,
        vec![
            ContentPart::text("look"),
            serde_json::from_value(part).unwrap(),
        ],
    )
}

#[tokio::test]
async fn claims_match_behaviour_against_the_mock() {
    let server = mock().await;
    let names: Vec<&str> = CAPABILITIES
        .iter()
        .map(|c| c.provider)
        .filter(|p| *p != "mock" && *p != "openai-responses")
        .collect();
    let ditto = client(&server, &names, &[]);
    for c in CAPABILITIES {
        let p = c.provider;
        let model = format!("{p}:model-x");
        // text and stream
        let r = ditto
            .generate_text(TextRequest::new(&model).prompt("hello"))
            .await;
        assert_eq!(r.is_ok(), c.text, "{p} text: {r:?}");
        let s = ditto
            .stream_text(TextRequest::new(&model).prompt("hello"))
            .await;
        let ok = match s {
            Ok(s) => s.collect::<Vec<_>>().await.iter().all(Result::is_ok),
            Err(_) => false,
        };
        assert_eq!(ok, c.stream, "{p} stream");
        // tools: a provider without them reports the tool as unsupported
        let r = ditto
            .generate_text(
                TextRequest::new(&model)
                    .prompt("hello")
                    .tools(vec![Tool::function("f", None, json!({"type": "object"}))]),
            )
            .await
            .unwrap();
        let dropped = r
            .warnings
            .iter()
            .any(|w| matches!(w, Warning::UnsupportedTool { .. }));
        assert_eq!(!dropped, c.tools, "{p} tools");
        // images and PDFs in user messages
        let image = user_with(
            json!({"type": "image", "image": {"base64": "iVBORw0KGgo="}, "media_type": "image/png"}),
        );
        let r = ditto
            .generate_text(TextRequest::new(&model).messages(vec![image]))
            .await;
        assert_eq!(r.is_ok(), c.images_in, "{p} images in: {r:?}");
        let pdf = user_with(
            json!({"type": "file", "data": {"base64": "JVBERi0="}, "media_type": "application/pdf", "filename": "a.pdf"}),
        );
        let r = ditto
            .generate_text(TextRequest::new(&model).messages(vec![pdf]))
            .await;
        match r {
            Ok(_) => assert!(c.pdf_in, "{p} took a PDF but claims not to"),
            Err(e) => {
                assert!(!c.pdf_in, "{p} refused a PDF: {e}");
                assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{p}: {e}");
            }
        }
        // embeddings, rerank, images out, audio: lookups refuse what is not there
        assert_eq!(
            ditto.embedding_model(&model).is_ok(),
            c.embeddings,
            "{p} embeddings"
        );
        assert_eq!(ditto.rerank_model(&model).is_ok(), c.rerank, "{p} rerank");
        let img = ditto
            .generate_image(ditto_llm::ImageRequest {
                model: model.clone(),
                prompt: "x".into(),
                ..Default::default()
            })
            .await;
        assert_eq!(img.is_ok(), c.images_out, "{p} images out: {img:?}");
        let speech = ditto
            .generate_speech(ditto_llm::SpeechRequest {
                model: model.clone(),
                text: "x".into(),
                ..Default::default()
            })
            .await;
        assert_eq!(speech.is_ok(), c.audio, "{p} audio: {speech:?}");
    }
}
