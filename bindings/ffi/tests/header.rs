//! The committed C header must match what cbindgen generates from the sources.
//! `DITTO_UPDATE_HEADER=1 cargo test -p ditto-ffi --test header` rewrites it.

use std::path::Path;

#[test]
fn committed_header_is_current() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml parses");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("header is UTF-8");
    let path = crate_dir.join("include/ditto.h");
    if std::env::var("DITTO_UPDATE_HEADER").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write header");
        eprintln!("wrote {}", path.display());
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: run `DITTO_UPDATE_HEADER=1 cargo test -p ditto-ffi --test header` and commit it",
        path.display()
    );
}
