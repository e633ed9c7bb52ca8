//! The deterministic multi-step "plan" shared by the chat routes: when the last user message
//! with text contains `plan: A | B | C`, the reply is segment N, where N is the number of
//! assistant messages after that user message (past the end: the last segment again). A
//! segment is one or more `call:<tool> {json}` joined by `&` (parallel calls), or plain text
//! (the final answer, sent as is). Segments are split on `|` and calls on `&`, so the JSON
//! arguments must not contain those characters.

use crate::echo::word_count;
use crate::openai::chat::tool_trigger;

/// Largest number of segments a plan may have; later ones are ignored.
pub(crate) const MAX_SEGMENTS: usize = 64;
/// Largest number of parallel calls in one segment; later ones are ignored.
pub(crate) const MAX_CALLS: usize = 32;

/// What one step of a plan answers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Segment {
    /// Tool calls: `(name, arguments JSON text)`, in order.
    Calls(Vec<(String, String)>),
    /// The final text.
    Text(String),
}

/// The mock's token count for tool calls: the words of each name and its arguments.
pub(crate) fn call_tokens(calls: &[(String, String)]) -> u64 {
    calls
        .iter()
        .map(|(name, args)| word_count(name) + word_count(args))
        .sum()
}

/// The segment to answer, given the text of the last user message with text and the number
/// of assistant messages after it; `None` when that text has no `plan:`.
pub(crate) fn segment(user_text: &str, assistants_after: usize) -> Option<Segment> {
    let start = user_text.find("plan:")? + "plan:".len();
    let segments: Vec<&str> = user_text[start..]
        .split('|')
        .map(str::trim)
        .take(MAX_SEGMENTS)
        .collect();
    let chosen = segments[assistants_after.min(segments.len() - 1)];
    Some(parse_segment(chosen))
}

fn parse_segment(text: &str) -> Segment {
    if !text.starts_with("call:") {
        return Segment::Text(text.to_owned());
    }
    let calls: Option<Vec<_>> = text
        .split('&')
        .map(str::trim)
        .take(MAX_CALLS)
        .map(|piece| {
            piece
                .starts_with("call:")
                .then(|| tool_trigger(piece))
                .flatten()
        })
        .collect();
    calls.map_or_else(|| Segment::Text(text.to_owned()), Segment::Calls)
}

/// Finds the plan step of a conversation: `role` and `text` read each message; returns the
/// segment when the last user message with text has a plan.
pub(crate) fn for_messages<M>(
    messages: &[M],
    role: impl Fn(&M) -> Option<&str>,
    text: impl Fn(&M) -> String,
) -> Option<Segment> {
    let (at, user_text) = messages
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, m)| role(m) == Some("user"))
        .map(|(i, m)| (i, text(m)))
        .find(|(_, t)| !t.trim().is_empty())?;
    let assistants = messages[at + 1..]
        .iter()
        .filter(|m| role(m) == Some("assistant"))
        .count();
    segment(&user_text, assistants)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = "go plan: call:a {\"x\":1} & call:b | call:c {\"y\":2} | all done";

    #[test]
    fn picks_segments_in_turn() {
        assert_eq!(
            segment(PLAN, 0),
            Some(Segment::Calls(vec![
                ("a".into(), "{\"x\":1}".into()),
                ("b".into(), "{}".into())
            ]))
        );
        assert_eq!(
            segment(PLAN, 1),
            Some(Segment::Calls(vec![("c".into(), "{\"y\":2}".into())]))
        );
        assert_eq!(segment(PLAN, 2), Some(Segment::Text("all done".into())));
        assert_eq!(segment(PLAN, 9), Some(Segment::Text("all done".into())));
        assert_eq!(segment("no plan here", 0), None);
        assert_eq!(segment("plan:", 0), Some(Segment::Text(String::new())));
    }

    #[test]
    fn mixed_segment_is_text_and_tokens_count_words() {
        assert_eq!(
            segment("plan: call:a & hello", 0),
            Some(Segment::Text("call:a & hello".into()))
        );
        let Some(Segment::Calls(calls)) = segment(PLAN, 0) else {
            panic!("calls expected")
        };
        assert_eq!(call_tokens(&calls), 4);
    }

    #[test]
    fn counts_assistants_after_the_last_user_text() {
        let msgs = [
            ("user", "plan: call:a | done"),
            ("assistant", ""),
            ("tool", "{\"r\":1}"),
            ("user", ""),
        ];
        let seg = for_messages(&msgs, |m| Some(m.0), |m| m.1.to_owned());
        assert_eq!(seg, Some(Segment::Text("done".into())));
    }
}
