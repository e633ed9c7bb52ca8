use super::*;
use crate::providers::mock::MockProvider;
use crate::types::{CallSettings, TextRequest};
use std::sync::Mutex;

/// Records the temperature each call reaches it with, then adds to it.
#[derive(Debug)]
struct Bump(f64, Arc<Mutex<Vec<Option<f64>>>>);

#[async_trait::async_trait]
impl Middleware for Bump {
    async fn generate(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelResponse> {
        self.1.lock().unwrap().push(options.settings.temperature);
        let mut o = options.clone();
        o.settings.temperature = Some(o.settings.temperature.unwrap_or(0.0) + self.0);
        next.generate(&o).await
    }
}

#[tokio::test]
async fn first_layer_is_outermost_and_identity_is_kept() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let base: Arc<dyn LanguageModel> = Arc::new(MockProvider::new().model("echo"));
    let m = wrap(
        base,
        vec![
            Arc::new(Bump(1.0, seen.clone())),
            Arc::new(Bump(10.0, seen.clone())),
            Arc::new(DefaultSettings::new(CallSettings::default())),
        ],
    );
    assert_eq!((m.provider(), m.model_id()), ("mock", "echo"));
    let options = TextRequest::new("mock:echo")
        .prompt("hi")
        .to_call_options()
        .unwrap();
    m.generate(&options).await.unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![None, Some(1.0)]);
}

#[tokio::test]
async fn no_layers_returns_the_model() {
    let base: Arc<dyn LanguageModel> = Arc::new(MockProvider::new().model("echo"));
    let m = wrap(base.clone(), Vec::new());
    assert!(Arc::ptr_eq(&m, &base));
}
