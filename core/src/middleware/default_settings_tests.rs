use super::*;
use serde_json::json;

#[test]
fn unset_fields_take_defaults_and_set_ones_win() {
    let mut defaults = CallSettings {
        temperature: Some(0.1),
        max_output_tokens: Some(50),
        stop: vec!["END".into()],
        ..Default::default()
    };
    defaults
        .provider_options
        .insert("openai", "user", json!("d"));
    defaults
        .provider_options
        .insert("openai", "store", json!(false));
    let mw = DefaultSettings::new(defaults);

    let mut options = CallOptions::default();
    options.settings.temperature = Some(0.9);
    options
        .settings
        .provider_options
        .insert("openai", "user", json!("mine"));
    let out = mw.apply(&options);
    assert_eq!(out.settings.temperature, Some(0.9));
    assert_eq!(out.settings.max_output_tokens, Some(50));
    assert_eq!(out.settings.stop, vec!["END".to_owned()]);
    assert_eq!(
        out.settings.provider_options.value("openai", "user"),
        Some(&json!("mine"))
    );
    assert_eq!(
        out.settings.provider_options.value("openai", "store"),
        Some(&json!(false))
    );
}

#[test]
fn call_stop_list_is_not_merged() {
    let mw = DefaultSettings::new(CallSettings {
        stop: vec!["A".into()],
        ..Default::default()
    });
    let mut options = CallOptions::default();
    options.settings.stop = vec!["B".into()];
    assert_eq!(mw.apply(&options).settings.stop, vec!["B".to_owned()]);
}
