use super::*;
use crate::error::ErrorKind;
use crate::middleware::test_models::finish_step;
use crate::model::ModelStream;
use futures_util::{FutureExt, StreamExt};
use std::sync::atomic::{AtomicUsize, Ordering};

fn deltas(n: usize, pulled: Arc<AtomicUsize>) -> impl Stream<Item = Result<StreamEvent>> + Send {
    futures_util::stream::iter((0..n).map(|i| Ok(StreamEvent::text_delta("t", format!("{i} ")))))
        .inspect(move |_| {
            pulled.fetch_add(1, Ordering::SeqCst);
        })
}

fn text_stream(events: Vec<Result<StreamEvent>>) -> TextStream {
    TextStream::new(ModelStream {
        warnings: vec![],
        events: Box::pin(futures_util::stream::iter(events)),
    })
}

#[tokio::test]
async fn both_sides_see_everything_when_read_together() {
    let s = text_stream(vec![
        Ok(StreamEvent::text_delta("t", "Hel")),
        Ok(StreamEvent::text_delta("t", "lo")),
        Ok(finish_step()),
    ]);
    let (text, events) = s.tee(1);
    let (text, events) = tokio::join!(text.collect::<Vec<_>>(), events.collect::<Vec<_>>());
    let text: String = text.into_iter().map(|t| t.unwrap()).collect();
    assert_eq!(text, "Hello");
    let types: Vec<_> = events
        .iter()
        .map(|e| e.as_ref().unwrap().type_name())
        .collect();
    assert_eq!(
        types,
        [
            "start",
            "start-step",
            "text-delta",
            "text-delta",
            "finish-step",
            "finish"
        ]
    );
}

#[tokio::test]
async fn a_slow_consumer_bounds_what_the_fast_one_can_pull() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let (mut text, mut events) = fan_out(deltas(100, pulled.clone()), 3);
    // The event side is never read: the text side gets `capacity` items, then must wait.
    for i in 0..3 {
        let got = text.next().now_or_never().expect("ready").unwrap().unwrap();
        assert_eq!(got, format!("{i} "));
    }
    assert!(
        text.next().now_or_never().is_none(),
        "must wait for the slow side"
    );
    assert_eq!(pulled.load(Ordering::SeqCst), 3);
    // The slow side catches up one item; the fast side may take exactly one more.
    assert!(events.next().now_or_never().unwrap().unwrap().is_ok());
    assert!(text.next().now_or_never().unwrap().is_some());
    assert!(text.next().now_or_never().is_none());
    assert_eq!(pulled.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_dropped_consumer_does_not_block_the_other() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let (text, events) = fan_out(deltas(50, pulled.clone()), 2);
    drop(events);
    assert_eq!(text.collect::<Vec<_>>().await.len(), 50);

    let (text, events) = fan_out(deltas(50, Arc::new(AtomicUsize::new(0))), 2);
    let mut text = text;
    assert!(text.next().await.is_some());
    drop(text);
    assert_eq!(events.collect::<Vec<_>>().await.len(), 50);
}

#[tokio::test]
async fn a_waiting_consumer_is_woken_when_the_other_drops() {
    let (mut text, events) = fan_out(deltas(10, Arc::new(AtomicUsize::new(0))), 1);
    assert!(text.next().await.is_some());
    let waiter = tokio::spawn(async move { text.collect::<Vec<_>>().await.len() });
    tokio::task::yield_now().await;
    drop(events);
    assert_eq!(waiter.await.unwrap(), 9);
}

#[tokio::test]
async fn errors_reach_both_sides() {
    let s = text_stream(vec![
        Ok(StreamEvent::text_delta("t", "a")),
        Err(crate::Error::new(ErrorKind::Connection, "reset")),
    ]);
    let (text, events) = s.tee(4);
    let (text, events) = tokio::join!(text.collect::<Vec<_>>(), events.collect::<Vec<_>>());
    assert_eq!(text.len(), 2);
    assert_eq!(text[1].as_ref().unwrap_err().kind(), ErrorKind::Connection);
    let last = events.last().unwrap().as_ref().unwrap_err();
    assert_eq!(last.kind(), ErrorKind::Connection);
    assert_eq!(last.message(), "reset");
}

#[tokio::test]
async fn concurrent_tasks_with_a_tiny_buffer_finish() {
    let (text, events) = fan_out(deltas(500, Arc::new(AtomicUsize::new(0))), 1);
    let a = tokio::spawn(text.collect::<Vec<_>>());
    let b = tokio::spawn(async move {
        let mut n = 0;
        let mut events = events;
        while let Some(e) = events.next().await {
            e.unwrap();
            n += 1;
            if n % 7 == 0 {
                tokio::task::yield_now().await;
            }
        }
        n
    });
    assert_eq!(a.await.unwrap().len(), 500);
    assert_eq!(b.await.unwrap(), 500);
}
