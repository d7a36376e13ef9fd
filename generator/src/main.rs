//! The `tsunagu` command line.

fn main() {
    eprintln!("tsunagu: not built yet");
    std::process::exit(2);
}
