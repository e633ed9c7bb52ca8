use super::*;
use crate::error::Error;
use crate::middleware::test_models::{collect, text_events, Reply, Scripted};
use crate::middleware::wrap;
use crate::types::Message;
use futures_util::StreamExt;

fn opts(prompt: &str) -> CallOptions {
    CallOptions {
        prompt: vec![Message::user(prompt)],
        ..Default::default()
    }
}

fn ok_events(items: Vec<Result<StreamEvent>>) -> Vec<StreamEvent> {
    items.into_iter().map(Result::unwrap).collect()
}

#[tokio::test]
async fn generate_hits_after_the_first_call() {
    let model = Scripted::new("m", vec![]);
    let m = wrap(model.clone(), vec![Arc::new(Cache::memory(10, 1 << 20))]);
    let a = m.generate(&opts("x")).await.unwrap();
    let b = m.generate(&opts("x")).await.unwrap();
    assert_eq!(a, b);
    assert_eq!(model.calls(), 1);
    m.generate(&opts("y")).await.unwrap();
    assert_eq!(model.calls(), 2);
}

#[tokio::test]
async fn streams_replay_event_for_event_and_only_clean_ones_are_stored() {
    let events = text_events("t", &["He", "llo", " world"]);
    let failing = vec![Ok(events[0].clone()), Err(Error::stream("cut"))];
    let model = Scripted::new(
        "m",
        vec![
            Reply::Events(failing),
            Reply::Events(events.iter().cloned().map(Ok).collect()),
        ],
    );
    let m = wrap(model.clone(), vec![Arc::new(Cache::memory(10, 1 << 20))]);
    // A failed stream is not stored.
    let first = collect(m.stream(&opts("x")).await.unwrap()).await;
    assert!(first[1].is_err());
    let second = ok_events(collect(m.stream(&opts("x")).await.unwrap()).await);
    let third = ok_events(collect(m.stream(&opts("x")).await.unwrap()).await);
    assert_eq!(second, events);
    assert_eq!(third, events);
    assert_eq!(model.calls(), 2);
}

#[tokio::test]
async fn a_dropped_stream_is_not_stored() {
    let model = Scripted::new("m", vec![]);
    let m = wrap(model.clone(), vec![Arc::new(Cache::memory(10, 1 << 20))]);
    let mut s = m.stream(&opts("x")).await.unwrap();
    s.events.next().await.unwrap().unwrap();
    drop(s);
    collect(m.stream(&opts("x")).await.unwrap()).await;
    assert_eq!(model.calls(), 2);
}

#[tokio::test]
async fn oversized_entries_are_skipped() {
    let model = Scripted::new("m", vec![]);
    let cache = Cache {
        max_entry_bytes: 64,
        ..Cache::memory(10, 1 << 20)
    };
    let m = wrap(model.clone(), vec![Arc::new(cache)]);
    m.generate(&opts("x")).await.unwrap();
    m.generate(&opts("x")).await.unwrap();
    collect(m.stream(&opts("x")).await.unwrap()).await;
    collect(m.stream(&opts("x")).await.unwrap()).await;
    assert_eq!(model.calls(), 4);
}

#[tokio::test]
async fn ttl_expires_entries() {
    let model = Scripted::new("m", vec![]);
    let cache = Cache::memory(10, 1 << 20).ttl(Duration::from_millis(40));
    let m = wrap(model.clone(), vec![Arc::new(cache)]);
    m.generate(&opts("x")).await.unwrap();
    m.generate(&opts("x")).await.unwrap();
    assert_eq!(model.calls(), 1);
    tokio::time::sleep(Duration::from_millis(60)).await;
    m.generate(&opts("x")).await.unwrap();
    assert_eq!(model.calls(), 2);
}

#[derive(Debug)]
struct Broken;

#[async_trait::async_trait]
impl CacheStore for Broken {
    async fn get(&self, _key: &str) -> Result<Option<Vec<u8>>> {
        Err(Error::internal("down"))
    }
    async fn put(&self, _key: &str, _value: Vec<u8>) -> Result<()> {
        Err(Error::internal("down"))
    }
}

#[tokio::test]
async fn store_failures_do_not_fail_calls() {
    let model = Scripted::new("m", vec![]);
    let m = wrap(model.clone(), vec![Arc::new(Cache::new(Arc::new(Broken)))]);
    m.generate(&opts("x")).await.unwrap();
    let items = collect(m.stream(&opts("x")).await.unwrap()).await;
    assert!(items.iter().all(Result::is_ok));
}

#[tokio::test]
async fn garbage_in_the_store_is_a_miss() {
    let store = Arc::new(MemoryCacheStore::new(10, 1 << 20));
    let model = Scripted::new("m", vec![]);
    let m = wrap(model.clone(), vec![Arc::new(Cache::new(store.clone()))]);
    let key = cache_key("scripted", "m", "generate", &opts("x")).unwrap();
    store.put(&key, b"not json".to_vec()).await.unwrap();
    m.generate(&opts("x")).await.unwrap();
    assert_eq!(model.calls(), 1);
    m.generate(&opts("x")).await.unwrap();
    assert_eq!(model.calls(), 1, "the good entry replaced the garbage");
}
