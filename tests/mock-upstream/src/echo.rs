//! Provider-neutral helpers for the deterministic echo replies: word
//! counting, word-sized stream pieces and `max_tokens` truncation.

/// The reply used when there is nothing to echo (and for model `mock-lorem`).
pub(crate) const PANGRAM: &str = "The quick brown fox jumps over the lazy dog.";

/// The echo reply: `echo: <text>` for the first non-empty text of `user_texts` (the user turns,
/// newest first), or the pangram for `mock-lorem` and when there is none.
pub(crate) fn echo_reply(model: &str, mut user_texts: impl Iterator<Item = String>) -> String {
    if model == crate::openai::chat::LOREM_MODEL {
        return PANGRAM.to_owned();
    }
    user_texts
        .find(|t| !t.is_empty())
        .map_or_else(|| PANGRAM.to_owned(), |t| format!("echo: {t}"))
}

/// Number of whitespace-separated words (the mock's "tokens").
pub(crate) fn word_count(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

/// Splits `text` into pieces of one word each, every piece keeping the
/// whitespace that follows it, so the pieces concatenate back to `text`.
/// Leading whitespace stays with the first piece.
pub(crate) fn word_pieces(text: &str) -> Vec<&str> {
    let mut starts = Vec::new();
    let mut previous_was_space = true;
    for (index, c) in text.char_indices() {
        let is_space = c.is_whitespace();
        if !is_space && previous_was_space {
            starts.push(index);
        }
        previous_was_space = is_space;
    }
    if starts.is_empty() {
        return if text.is_empty() {
            Vec::new()
        } else {
            vec![text]
        };
    }
    starts[0] = 0;
    let mut pieces = Vec::with_capacity(starts.len());
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        pieces.push(&text[start..end]);
    }
    pieces
}

/// `text` cut to at most `max_words` words (trailing whitespace removed when
/// cut), and whether it was cut.
pub(crate) fn limit_words(text: &str, max_words: Option<u64>) -> (String, bool) {
    let Some(max) = max_words else {
        return (text.to_owned(), false);
    };
    let pieces = word_pieces(text);
    if (pieces.len() as u64) <= max {
        return (text.to_owned(), false);
    }
    let kept: String = pieces.iter().take(max as usize).copied().collect();
    (kept.trim_end().to_owned(), true)
}

/// Splits `text` into pieces of at most `max_bytes` bytes, on char boundaries
/// (a single char wider than `max_bytes` becomes its own piece).
pub(crate) fn byte_pieces(text: &str, max_bytes: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = max_bytes.max(1).min(rest.len());
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        if end == 0 {
            // A single char wider than `max_bytes`: send it whole.
            end = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let (piece, tail) = rest.split_at(end);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_reply_takes_the_newest_non_empty_user_text() {
        let texts = |v: &[&str]| {
            v.iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .into_iter()
        };
        assert_eq!(echo_reply("m", texts(&["", "hi", "old"])), "echo: hi");
        assert_eq!(echo_reply("m", texts(&["", ""])), PANGRAM);
        assert_eq!(echo_reply("mock-lorem", texts(&["hi"])), PANGRAM);
    }

    #[test]
    fn pieces_concatenate_back() {
        for text in ["echo: hello world", "  lead  and\ttrail ", "one", "", "   "] {
            assert_eq!(word_pieces(text).concat(), text);
        }
        assert_eq!(word_pieces("echo: hi there"), ["echo: ", "hi ", "there"]);
    }

    #[test]
    fn limit_cuts_words() {
        assert_eq!(limit_words("a b c d", Some(2)), ("a b".to_owned(), true));
        assert_eq!(limit_words("a b", Some(2)), ("a b".to_owned(), false));
        assert_eq!(limit_words("a b", None), ("a b".to_owned(), false));
        assert_eq!(limit_words("a b", Some(0)), (String::new(), true));
    }

    #[test]
    fn byte_pieces_respect_chars() {
        assert_eq!(
            byte_pieces("{\"city\":\"Paris\"}", 8),
            ["{\"city\":", "\"Paris\"}"]
        );
        let text = "ééééé";
        let pieces = byte_pieces(text, 3);
        assert_eq!(pieces.concat(), text);
        assert!(pieces.iter().all(|p| p.len() == 2));
        assert_eq!(byte_pieces("é", 1), ["é"]);
    }

    #[test]
    fn counts_words() {
        assert_eq!(word_count(PANGRAM), 9);
        assert_eq!(word_count("  "), 0);
    }
}
