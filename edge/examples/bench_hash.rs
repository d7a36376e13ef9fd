//! Time of one argon2id password hash natively, for a few parameter sets, to compare
//! with the figure the runtime measures in workerd.
//! `cargo run --release -p tsunagu-edge --example bench_hash`

use std::time::Instant;

use tsunagu_edge::auth::password;
use tsunagu_edge::config::Config;

fn main() {
    for (m, t) in [
        (19 * 1024, 2),
        (12 * 1024, 3),
        (46 * 1024, 1),
        (64 * 1024, 3),
    ] {
        let cfg = Config {
            argon2_m_kib: m,
            argon2_t: t,
            argon2_p: 1,
            ..Config::default()
        };
        let phc = password::hash("warm-up-password", &cfg).expect("hash");
        let n = 10;
        let mut times: Vec<f64> = (0..n)
            .map(|_| {
                let t0 = Instant::now();
                assert!(password::verify("warm-up-password", &phc));
                t0.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "argon2id m={:>5} KiB t={t} p=1: median {:>6.1} ms, min {:>6.1} ms ({n} runs)",
            m,
            times[n / 2],
            times[0]
        );
    }
}
