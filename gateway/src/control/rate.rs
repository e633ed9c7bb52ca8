//! Per-key request and token rates: a sliding one-minute window approximated from the current
//! and previous fixed minutes (constant memory per key).

/// One sliding-minute counter.
#[derive(Debug, Clone, Default)]
pub struct Window {
    minute: u64,
    current: u64,
    previous: u64,
}

impl Window {
    fn roll(&mut self, now_ms: u64) {
        let minute = now_ms / 60_000;
        if minute == self.minute {
            return;
        }
        self.previous = if minute == self.minute + 1 {
            self.current
        } else {
            0
        };
        self.current = 0;
        self.minute = minute;
    }

    /// Estimated count over the last 60 s.
    pub fn estimate(&mut self, now_ms: u64) -> u64 {
        self.roll(now_ms);
        let into = (now_ms % 60_000) as f64 / 60_000.0;
        (self.previous as f64 * (1.0 - into)).ceil() as u64 + self.current
    }

    /// Count `n` now.
    pub fn add(&mut self, now_ms: u64, n: u64) {
        self.roll(now_ms);
        self.current = self.current.saturating_add(n);
    }

    /// Whole seconds until the current minute ends (at least 1).
    pub fn retry_after_secs(now_ms: u64) -> u64 {
        (60_000 - now_ms % 60_000).div_ceil(1000).max(1)
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::Window;

    #[test]
    fn slides() {
        let mut w = Window::default();
        let t0 = 60_000 * 100;
        for _ in 0..10 {
            w.add(t0, 1);
        }
        assert_eq!(w.estimate(t0 + 59_000), 10);
        // Half-way through the next minute, half of the previous one still counts.
        assert_eq!(w.estimate(t0 + 90_000), 5);
        assert_eq!(w.estimate(t0 + 200_000), 0);
        assert!(Window::retry_after_secs(t0 + 59_500) >= 1);
    }
}
