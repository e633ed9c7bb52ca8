//! What each built-in provider can do, as data. `docs/providers.md` embeds
//! [`markdown_table`]'s output, and `core/tests/capabilities.rs` checks both the document and
//! the claims themselves against the code (registry lookups and calls to the mock upstream).

/// The capabilities of one provider prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// The model prefix.
    pub provider: &'static str,
    /// `generate_text`.
    pub text: bool,
    /// `stream_text`.
    pub stream: bool,
    /// Function tools.
    pub tools: bool,
    /// Reasoning / thinking output (and its round trip).
    pub reasoning: bool,
    /// Image parts in user messages.
    pub images_in: bool,
    /// PDF file parts in user messages.
    pub pdf_in: bool,
    /// `embed` / `embed_many`.
    pub embeddings: bool,
    /// `rerank`.
    pub rerank: bool,
    /// `generate_image`.
    pub images_out: bool,
    /// `transcribe` and `generate_speech`.
    pub audio: bool,
}

const fn caps(provider: &'static str, flags: [bool; 10]) -> Capabilities {
    Capabilities {
        provider,
        text: flags[0],
        stream: flags[1],
        tools: flags[2],
        reasoning: flags[3],
        images_in: flags[4],
        pdf_in: flags[5],
        embeddings: flags[6],
        rerank: flags[7],
        images_out: flags[8],
        audio: flags[9],
    }
}

const Y: bool = true;
const N: bool = false;

/// Every built-in provider prefix (OpenAI-compatible presets included).
/// Columns: text, stream, tools, reasoning, images in, PDF in, embeddings, rerank, images out, audio.
pub const CAPABILITIES: &[Capabilities] = &[
    caps("openai", [Y, Y, Y, Y, Y, Y, Y, N, Y, Y]),
    caps("openai-responses", [Y, Y, Y, Y, Y, Y, Y, N, Y, Y]),
    caps("azure", [Y, Y, Y, Y, Y, Y, Y, N, Y, Y]),
    caps("anthropic", [Y, Y, Y, Y, Y, Y, N, N, N, N]),
    caps("google", [Y, Y, Y, Y, Y, Y, Y, N, N, N]),
    caps("vertex", [Y, Y, Y, Y, Y, Y, Y, N, N, N]),
    caps("cohere", [Y, Y, Y, Y, Y, N, Y, Y, N, N]),
    caps("bedrock", [Y, Y, Y, Y, Y, Y, Y, N, N, N]),
    caps("mistral", [Y, Y, Y, Y, Y, Y, Y, N, N, N]),
    caps("deepseek", [Y, Y, Y, Y, Y, Y, N, N, N, N]),
    caps("xai", [Y, Y, Y, Y, Y, Y, N, N, N, N]),
    caps("groq", [Y, Y, Y, Y, Y, Y, N, N, N, N]),
    caps("perplexity", [Y, Y, N, Y, Y, Y, N, N, N, N]),
    caps("openrouter", [Y, Y, Y, Y, Y, Y, N, N, N, N]),
    caps("together", [Y, Y, Y, Y, Y, Y, Y, N, N, N]),
    caps("fireworks", [Y, Y, Y, Y, Y, Y, Y, N, N, N]),
    caps("ollama", [Y, Y, Y, Y, Y, Y, Y, N, N, N]),
    caps("vllm", [Y, Y, Y, Y, Y, Y, Y, N, N, N]),
    caps("lmstudio", [Y, Y, Y, Y, Y, Y, Y, N, N, N]),
    caps("mock", [Y, Y, Y, Y, Y, Y, Y, N, N, N]),
];

/// The capabilities of `provider`.
pub fn capabilities(provider: &str) -> Option<&'static Capabilities> {
    CAPABILITIES.iter().find(|c| c.provider == provider)
}

/// The capability matrix as a Markdown table (what `docs/providers.md` embeds).
pub fn markdown_table() -> String {
    let mark = |b: bool| if b { "✓" } else { "—" };
    let mut out = String::from(
        "| provider | text | stream | tools | reasoning | images in | PDF in | embeddings | rerank | images out | audio |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for c in CAPABILITIES {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            c.provider,
            mark(c.text),
            mark(c.stream),
            mark(c.tools),
            mark(c.reasoning),
            mark(c.images_in),
            mark(c.pdf_in),
            mark(c.embeddings),
            mark(c.rerank),
            mark(c.images_out),
            mark(c.audio),
        ));
    }
    out
}
