use super::*;
use serde_json::json;

fn errors(schema: Value, value: Value) -> Vec<(String, String)> {
    match validate(&schema, &value) {
        Ok(()) => vec![],
        Err(es) => es.into_iter().map(|e| (e.path, e.keyword)).collect(),
    }
}

fn ok(schema: Value, value: Value) {
    assert_eq!(
        errors(schema.clone(), value.clone()),
        vec![],
        "{schema} / {value}"
    );
}

fn fails(schema: Value, value: Value, path: &str, keyword: &str) {
    let es = errors(schema.clone(), value.clone());
    assert!(
        es.contains(&(path.to_owned(), keyword.to_owned())),
        "{schema} / {value}: expected {path} {keyword}, got {es:?}"
    );
}

#[test]
fn types() {
    ok(json!({"type": "integer"}), json!(3));
    ok(json!({"type": "integer"}), json!(3.0));
    fails(json!({"type": "integer"}), json!(3.5), "", "type");
    ok(json!({"type": "number"}), json!(3));
    ok(json!({"type": ["string", "null"]}), json!(null));
    fails(json!({"type": ["string", "null"]}), json!(1), "", "type");
    for (t, v) in [
        ("string", json!(1)),
        ("boolean", json!("true")),
        ("null", json!(0)),
        ("array", json!({})),
        ("object", json!([])),
    ] {
        fails(json!({"type": t}), v, "", "type");
    }
    ok(json!(true), json!({"anything": 1}));
    fails(json!(false), json!(1), "", "false");
    ok(json!({}), json!([1, "x"]));
}

#[test]
fn enum_and_const_compare_numbers_by_value() {
    ok(json!({"enum": ["a", 1, null]}), json!(1.0));
    fails(json!({"enum": ["a", 1]}), json!("b"), "", "enum");
    ok(json!({"const": {"a": [1]}}), json!({"a": [1.0]}));
    fails(json!({"const": "x"}), json!("y"), "", "const");
}

#[test]
fn objects() {
    let s = json!({
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
        "required": ["name", "age"],
        "additionalProperties": false
    });
    ok(s.clone(), json!({"name": "Ann", "age": 3}));
    fails(s.clone(), json!({"name": "Ann"}), "", "required");
    fails(s.clone(), json!({"name": 1, "age": 3}), "/name", "type");
    fails(
        s.clone(),
        json!({"name": "A", "age": -1}),
        "/age",
        "minimum",
    );
    fails(
        s.clone(),
        json!({"name": "A", "age": 1, "x": 0}),
        "",
        "additionalProperties",
    );
    let extra = json!({"additionalProperties": {"type": "number"}});
    ok(extra.clone(), json!({"a": 1}));
    fails(extra, json!({"a/b~": "x"}), "/a~1b~0", "type");
    fails(
        json!({"minProperties": 2}),
        json!({"a": 1}),
        "",
        "minProperties",
    );
    fails(
        json!({"maxProperties": 0}),
        json!({"a": 1}),
        "",
        "maxProperties",
    );
}

#[test]
fn arrays() {
    let s = json!({"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 2});
    ok(s.clone(), json!(["a"]));
    fails(s.clone(), json!([]), "", "minItems");
    fails(s.clone(), json!(["a", "b", "c"]), "", "maxItems");
    fails(s, json!(["a", 2]), "/1", "type");
    let tuple = json!({"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false});
    ok(tuple.clone(), json!(["a", 1]));
    fails(tuple.clone(), json!([1, 1]), "/0", "type");
    fails(tuple, json!(["a", 1, null]), "/2", "false");
    let draft7 = json!({"items": [{"type": "string"}], "additionalItems": {"type": "null"}});
    ok(draft7.clone(), json!(["a", null]));
    fails(draft7, json!(["a", 1]), "/1", "type");
    ok(json!({"uniqueItems": true}), json!([1, "1", [1]]));
    fails(
        json!({"uniqueItems": true}),
        json!([{"a": 1}, {"a": 1.0}]),
        "",
        "uniqueItems",
    );
}

#[test]
fn strings_count_code_points() {
    ok(json!({"minLength": 2, "maxLength": 2}), json!("é😀"));
    fails(json!({"minLength": 3}), json!("ab"), "", "minLength");
    fails(json!({"maxLength": 1}), json!("ab"), "", "maxLength");
}

#[test]
fn numbers() {
    fails(json!({"maximum": 5}), json!(6), "", "maximum");
    ok(json!({"maximum": 5}), json!(5));
    fails(
        json!({"exclusiveMaximum": 5}),
        json!(5),
        "",
        "exclusiveMaximum",
    );
    fails(
        json!({"exclusiveMinimum": 5}),
        json!(5),
        "",
        "exclusiveMinimum",
    );
    fails(
        json!({"minimum": 5, "exclusiveMinimum": true}),
        json!(5),
        "",
        "exclusiveMinimum",
    );
    fails(
        json!({"maximum": 5, "exclusiveMaximum": true}),
        json!(5),
        "",
        "exclusiveMaximum",
    );
    ok(json!({"multipleOf": 3}), json!(9));
    fails(json!({"multipleOf": 3}), json!(10), "", "multipleOf");
    ok(json!({"multipleOf": 0.1}), json!(0.3));
    fails(json!({"multipleOf": 0.25}), json!(0.3), "", "multipleOf");
}

#[test]
fn combinators() {
    let any = json!({"anyOf": [{"type": "string"}, {"type": "integer"}]});
    ok(any.clone(), json!(1));
    fails(any, json!(null), "", "anyOf");
    let one = json!({"oneOf": [{"type": "number"}, {"type": "integer"}]});
    ok(one.clone(), json!(1.5));
    fails(one, json!(1), "", "oneOf");
    let all = json!({"allOf": [{"minimum": 1}, {"maximum": 3}]});
    ok(all.clone(), json!(2));
    fails(all, json!(4), "", "maximum");
    fails(json!({"not": {"type": "null"}}), json!(null), "", "not");
}

#[test]
fn local_refs() {
    let s = json!({
        "$defs": {"step": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}},
        "definitions": {"tag": {"type": "string"}},
        "type": "object",
        "properties": {
            "steps": {"type": "array", "items": {"$ref": "#/$defs/step"}},
            "tag": {"$ref": "#/definitions/tag"}
        }
    });
    ok(s.clone(), json!({"steps": [{"n": 1}], "tag": "x"}));
    fails(
        s.clone(),
        json!({"steps": [{"n": "1"}]}),
        "/steps/0/n",
        "type",
    );
    fails(s, json!({"tag": 1}), "/tag", "type");
    fails(json!({"$ref": "#/$defs/missing"}), json!(1), "", "$ref");
    // A recursive schema: a tree of nodes.
    let tree = json!({"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#"}}}, "additionalProperties": false});
    ok(tree.clone(), json!({"kids": [{"kids": []}, {}]}));
    fails(
        tree,
        json!({"kids": [{"x": 1}]}),
        "/kids/0",
        "additionalProperties",
    );
    // A schema that only refers to itself stops instead of overflowing the stack.
    fails(json!({"$ref": "#"}), json!(1), "", "$ref");
}

#[test]
fn pattern_and_format_are_ignored_and_reported() {
    let s = json!({
        "type": "object",
        "properties": {
            "pattern": {"type": "string", "pattern": "^a+$"},
            "email": {"type": "string", "format": "email"}
        },
        "enum": [{"format": 1}]
    });
    ok(json!({"pattern": "^a+$"}), json!("bbb"));
    // Unknown which keys `patternProperties` covers: `additionalProperties` is not applied.
    ok(
        json!({"patternProperties": {"^x": {}}, "additionalProperties": false}),
        json!({"x1": 1}),
    );
    assert_eq!(ignored_keywords(&s), vec!["format", "pattern"]);
    assert!(ignored_keywords(&json!({"properties": {"pattern": {}}})).is_empty());
}

#[test]
fn errors_are_capped_and_readable() {
    let s = json!({"type": "array", "items": {"type": "string"}});
    let value = Value::Array(vec![json!(1); 500]);
    let es = validate(&s, &value).unwrap_err();
    assert_eq!(es.len(), MAX_VALIDATION_ERRORS);
    assert_eq!(es[0].to_string(), "/0: expected string, got integer");
}
