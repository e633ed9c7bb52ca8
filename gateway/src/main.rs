fn main() {
    eprintln!("ditto-gateway is not built yet");
    std::process::exit(1);
}
