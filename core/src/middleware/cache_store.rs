//! Where the cache keeps its entries: the [`CacheStore`] trait and the in-memory LRU.

use crate::error::Result;
use std::collections::HashMap;
use std::sync::Mutex;

/// A byte store for cache entries. Object-safe and async, so bindings can plug in a host
/// store (Redis, a dict, ...). Keys are 64-character lowercase hex SHA-256 digests; values
/// are the JSON-encoded entries (expiry included, so a store needs no TTL support of its own).
#[async_trait::async_trait]
pub trait CacheStore: Send + Sync + std::fmt::Debug {
    /// The value stored under `key`, if any.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>>;
    /// Store `value` under `key`, replacing any older value. A store may drop entries at any
    /// time (eviction).
    async fn put(&self, key: &str, value: Vec<u8>) -> Result<()>;
}

const NIL: usize = usize::MAX;

#[derive(Debug)]
struct Node {
    key: String,
    value: Vec<u8>,
    prev: usize,
    next: usize,
}

/// A least-recently-used map bounded by entry count and by total bytes (keys plus values).
/// Nodes live in a slab and form a doubly linked list, most recently used first.
#[derive(Debug)]
struct Lru {
    index: HashMap<String, usize>,
    slab: Vec<Node>,
    free: Vec<usize>,
    head: usize,
    tail: usize,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

impl Lru {
    fn new(max_entries: usize, max_bytes: usize) -> Self {
        Lru {
            index: HashMap::new(),
            slab: Vec::new(),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
            bytes: 0,
            max_entries: max_entries.max(1),
            max_bytes,
        }
    }

    fn unlink(&mut self, i: usize) {
        let (prev, next) = (self.slab[i].prev, self.slab[i].next);
        match prev {
            NIL => self.head = next,
            p => self.slab[p].next = next,
        }
        match next {
            NIL => self.tail = prev,
            n => self.slab[n].prev = prev,
        }
    }

    fn push_front(&mut self, i: usize) {
        self.slab[i].prev = NIL;
        self.slab[i].next = self.head;
        if self.head != NIL {
            self.slab[self.head].prev = i;
        }
        self.head = i;
        if self.tail == NIL {
            self.tail = i;
        }
    }

    fn remove(&mut self, i: usize) {
        self.unlink(i);
        let node = &mut self.slab[i];
        self.bytes -= node.key.len() + node.value.len();
        self.index.remove(&node.key);
        node.key = String::new();
        node.value = Vec::new();
        self.free.push(i);
    }

    fn get(&mut self, key: &str) -> Option<Vec<u8>> {
        let i = *self.index.get(key)?;
        self.unlink(i);
        self.push_front(i);
        Some(self.slab[i].value.clone())
    }

    fn put(&mut self, key: &str, value: Vec<u8>) {
        if let Some(&i) = self.index.get(key) {
            self.remove(i);
        }
        let size = key.len() + value.len();
        if size > self.max_bytes {
            return;
        }
        let node = Node {
            key: key.to_owned(),
            value,
            prev: NIL,
            next: NIL,
        };
        let i = match self.free.pop() {
            Some(i) => {
                self.slab[i] = node;
                i
            }
            None => {
                self.slab.push(node);
                self.slab.len() - 1
            }
        };
        self.index.insert(key.to_owned(), i);
        self.bytes += size;
        self.push_front(i);
        while self.index.len() > self.max_entries || self.bytes > self.max_bytes {
            self.remove(self.tail);
        }
    }
}

/// The in-memory [`CacheStore`]: an LRU bounded by `max_entries` and by `max_bytes` (keys plus
/// values). The least recently used entries are evicted first; a value larger than
/// `max_bytes` on its own is not stored.
#[derive(Debug)]
pub struct MemoryCacheStore {
    lru: Mutex<Lru>,
}

impl MemoryCacheStore {
    /// A store holding at most `max_entries` entries (at least 1) and `max_bytes` bytes.
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        MemoryCacheStore {
            lru: Mutex::new(Lru::new(max_entries, max_bytes)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lru> {
        self.lru.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Entries held now.
    pub fn len(&self) -> usize {
        self.lock().index.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held now (keys plus values).
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// Whether `key` is held (does not count as a use).
    pub fn contains(&self, key: &str) -> bool {
        self.lock().index.contains_key(key)
    }
}

#[async_trait::async_trait]
impl CacheStore for MemoryCacheStore {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.lock().get(key))
    }

    async fn put(&self, key: &str, value: Vec<u8>) -> Result<()> {
        self.lock().put(key, value);
        Ok(())
    }
}

#[cfg(test)]
#[path = "cache_store_tests.rs"]
mod tests;
