use super::*;
use crate::object::test_text::pieces_at;
use proptest::prelude::*;
use serde_json::json;

/// Feed `chunks` and collect every partial value returned.
fn run(chunks: &[&str]) -> (Vec<Value>, Result<Value>) {
    let mut p = PartialJsonParser::new();
    let mut partials = Vec::new();
    for c in chunks {
        match p.feed(c) {
            Ok(Some(v)) => partials.push(v),
            Ok(None) => {}
            Err(e) => return (partials, Err(e)),
        }
    }
    (partials, p.finish())
}

/// `partial` shows nothing that `full` contradicts: strings are prefixes, arrays are no longer
/// (earlier elements equal... or consistent for the last open one), object keys are a subset.
pub(crate) fn consistent(partial: &Value, full: &Value) -> bool {
    match (partial, full) {
        (Value::String(a), Value::String(b)) => b.starts_with(a.as_str()),
        (Value::Array(a), Value::Array(b)) => {
            a.len() <= b.len() && a.iter().zip(b).all(|(x, y)| consistent(x, y))
        }
        (Value::Object(a), Value::Object(b)) => a
            .iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| consistent(v, w))),
        _ => partial == full,
    }
}

#[test]
fn partial_values_close_open_containers_and_drop_unfinished_scalars() {
    let cases: &[(&str, Option<Value>)] = &[
        ("", None),
        ("  ", None),
        ("{", Some(json!({}))),
        (r#"{"na"#, Some(json!({}))),
        (r#"{"name""#, Some(json!({}))),
        (r#"{"name":"#, Some(json!({}))),
        (r#"{"name": ""#, Some(json!({"name": ""}))),
        (r#"{"name": "Pan"#, Some(json!({"name": "Pan"}))),
        (r#"{"a": [1, 2"#, Some(json!({"a": [1]}))),
        (r#"{"a": [1, 2,"#, Some(json!({"a": [1, 2]}))),
        (r#"{"a": tr"#, Some(json!({}))),
        (r#"{"a": true"#, Some(json!({"a": true}))),
        (r#"{"a": -"#, Some(json!({}))),
        (r#"{"a": 1.5e"#, Some(json!({}))),
        (
            r#"{"a": {"b": [{"c": "x"#,
            Some(json!({"a": {"b": [{"c": "x"}]}})),
        ),
        (r#"["a\"#, Some(json!(["a"]))),
        (r#"["a\u00"#, Some(json!(["a"]))),
        (r#"["a\u00e9"#, Some(json!(["aé"]))),
        (r#"["\ud83d"#, Some(json!([""]))),
        (r#"["\ud83d\ude00"#, Some(json!(["😀"]))),
        ("12", None),
        ("nul", None),
        ("null", Some(Value::Null)),
    ];
    for (text, expected) in cases {
        let mut p = PartialJsonParser::new();
        p.feed(text).unwrap();
        assert_eq!(&p.value(), expected, "for {text:?}");
    }
}

#[test]
fn finish_completes_top_level_numbers_and_rejects_unfinished_text() {
    let p = {
        let mut p = PartialJsonParser::new();
        p.feed("  -12.5e3").unwrap();
        p
    };
    assert_eq!(p.finish().unwrap(), json!(-12500.0));
    for text in ["", "{", r#"{"a": 1"#, r#""abc"#, "tru", "[1,"] {
        let mut p = PartialJsonParser::new();
        p.feed(text).unwrap();
        let e = p.finish().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NoObjectGenerated, "{text:?}");
    }
}

#[test]
fn syntax_errors_are_reported_and_sticky() {
    for text in [
        "{a}",
        "[1,]",
        r#"{"a":1,}"#,
        r#"{"a" 1}"#,
        "[01]",
        "[1.]",
        "[-]",
        "truex",
        "{} x",
        "[\"\u{1}\"]",
        r#"["\x"]"#,
        r#"["\udc00"]"#,
        r#"["\ud800x"]"#,
        "]",
    ] {
        let mut p = PartialJsonParser::new();
        let r = p.feed(text).and_then(|_| p.feed(" "));
        let err = match r {
            Err(e) => e,
            Ok(_) => p.finish().unwrap_err(),
        };
        assert_eq!(err.kind(), ErrorKind::NoObjectGenerated, "{text:?}");
        assert!(err.message().contains("invalid JSON"), "{text:?}: {err}");
        assert!(serde_json::from_str::<Value>(text).is_err(), "{text:?}");
    }
    let mut p = PartialJsonParser::new();
    assert!(p.feed("[1,]").is_err());
    assert!(p.feed("").is_err(), "errors stick");
}

#[test]
fn byte_cap_is_enforced_with_a_clear_message() {
    let mut p = PartialJsonParser::with_max_bytes(10);
    p.feed(r#"["abcde"#).unwrap();
    let e = p.feed("fghij").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoObjectGenerated);
    assert!(e.message().contains("over the limit of 10 bytes"), "{e}");
    assert_eq!(p.bytes(), 7, "nothing past the cap is taken in");
}

#[test]
fn depth_is_capped_like_serde_json() {
    let deep = "[".repeat(MAX_DEPTH + 1);
    let mut p = PartialJsonParser::new();
    let e = p.feed(&deep).unwrap_err();
    assert!(e.message().contains("nested deeper"), "{e}");
}

#[test]
fn returns_a_value_only_when_it_changed() {
    let (partials, fin) = run(&[r#"{"a""#, ":", " ", r#""x"#, "y", r#"""#, " ", "}"]);
    assert_eq!(
        partials,
        vec![json!({}), json!({"a": "x"}), json!({"a": "xy"})],
        "whitespace, keys, `:` and closing quotes / braces show nothing new"
    );
    assert_eq!(fin.unwrap(), json!({"a": "xy"}));
}

#[test]
fn big_documents_are_snapshotted_sparingly() {
    // 200 KB fed one byte at a time: a snapshot per byte would be quadratic.
    let big = serde_json::to_string(&json!({"items": vec!["abcdefghij"; 16_000]})).unwrap();
    let mut p = PartialJsonParser::new();
    let mut snapshots = 0;
    let mut i = 0;
    while i < big.len() {
        if p.feed(&big[i..i + 1]).unwrap().is_some() {
            snapshots += 1;
        }
        i += 1;
    }
    assert!(snapshots < 1024 + 200, "{snapshots} snapshots");
    assert_eq!(
        p.finish().unwrap(),
        serde_json::from_str::<Value>(&big).unwrap()
    );
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        (-1e12f64..1e12).prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::String),
        "[a-z\"\\\\/\n\t\u{1}\u{e9}\u{1F600}]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z\u{e9}\"]{0,5}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Split `text` at the given fractions, on char boundaries.
fn split(text: &str, cuts: &[f64]) -> Vec<String> {
    pieces_at(text, cuts.iter().map(|f| (f * text.len() as f64) as usize))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_split_gives_the_serde_value_and_consistent_partials(
        v in arb_json(),
        pretty in any::<bool>(),
        cuts in prop::collection::vec(0.0f64..1.0, 0..12),
    ) {
        let text = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) }.unwrap();
        let expected: Value = serde_json::from_str(&text).unwrap();
        let chunks = split(&text, &cuts);
        let refs: Vec<&str> = chunks.iter().map(String::as_str).collect();
        let (partials, fin) = run(&refs);
        let fin = fin.unwrap();
        prop_assert_eq!(&fin, &expected);
        for (i, p) in partials.iter().enumerate() {
            prop_assert!(consistent(p, &expected), "partial {} {:?} vs {:?}", i, p, expected);
            if i > 0 {
                prop_assert_ne!(p, &partials[i - 1], "a partial repeats the previous one");
                prop_assert!(consistent(&partials[i - 1], p), "partials go backwards");
            }
        }
    }

    #[test]
    fn invalid_text_never_yields_a_final_value_serde_rejects(text in "[\\[\\]{}\",:0-9a-z .\\\\-]{0,24}") {
        let mut p = PartialJsonParser::new();
        let ours = p.feed(&text).and_then(|_| p.finish());
        let serde = serde_json::from_str::<Value>(&text);
        match (ours, serde) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "ours {:?}, serde {:?}", a, b),
        }
    }
}
