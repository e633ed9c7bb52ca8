use super::*;

fn keys(lru: &Lru) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = lru.head;
    while i != NIL {
        out.push(lru.slab[i].key.clone());
        i = lru.slab[i].next;
    }
    out
}

#[test]
fn evicts_least_recently_used_by_entry_count() {
    let mut lru = Lru::new(3, 1 << 20);
    for k in ["a", "b", "c"] {
        lru.put(k, k.as_bytes().to_vec());
    }
    assert_eq!(lru.get("a"), Some(b"a".to_vec()));
    lru.put("d", b"d".to_vec());
    assert_eq!(keys(&lru), ["d", "a", "c"]);
    assert_eq!(lru.get("b"), None);
    assert_eq!(lru.bytes, 6);
}

#[test]
fn evicts_by_bytes_and_skips_oversized_values() {
    let mut lru = Lru::new(100, 10);
    lru.put("a", vec![0; 4]); // 5 bytes
    lru.put("b", vec![0; 4]); // 10 bytes
    lru.put("c", vec![0; 2]); // 13 -> evict a
    assert_eq!(keys(&lru), ["c", "b"]);
    assert_eq!(lru.bytes, 8);
    lru.put("big", vec![0; 8]); // 11 bytes alone: skipped, nothing evicted
    assert_eq!(keys(&lru), ["c", "b"]);
    // Replacing a key with an oversized value drops the stale one.
    lru.put("b", vec![0; 20]);
    assert_eq!(keys(&lru), ["c"]);
    assert_eq!(lru.bytes, 3);
}

#[test]
fn replacing_updates_bytes_and_reuses_slots() {
    let mut lru = Lru::new(2, 100);
    lru.put("a", vec![1; 10]);
    lru.put("a", vec![2; 3]);
    assert_eq!(lru.bytes, 4);
    assert_eq!(lru.get("a"), Some(vec![2; 3]));
    for i in 0..50 {
        lru.put(&format!("k{i}"), vec![0; 1]);
    }
    assert_eq!(lru.index.len(), 2);
    assert!(lru.slab.len() <= 3, "slots are reused: {}", lru.slab.len());
    assert_eq!(keys(&lru), ["k49", "k48"]);
}

#[tokio::test]
async fn store_trait_round_trip() {
    let store = MemoryCacheStore::new(2, 1000);
    store.put("x", b"1".to_vec()).await.unwrap();
    assert_eq!(store.get("x").await.unwrap(), Some(b"1".to_vec()));
    assert_eq!(store.get("y").await.unwrap(), None);
    assert_eq!((store.len(), store.bytes()), (1, 2));
    assert!(store.contains("x") && !store.is_empty());
}
