//! This process's memory and CPU time, read from `/proc` (Linux), for the benchmarks and
//! the `TSUNAGU_TRACE_MEM` stage trace. On other systems every figure is `None`.

/// A `/proc/self/status` memory field in KiB: `"VmHWM"` (peak resident), `"VmRSS"` …
pub fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Peak resident memory of this process so far, in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    status_kib("VmHWM")
}

/// User and system CPU seconds of `/proc/<which>/stat` so far (`"self"` for the process,
/// summed over its threads; `"thread-self"` for the calling thread).
pub fn cpu_of(which: &str) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{which}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')';
    // utime and stime are in USER_HZ ticks, 100 a second on every Linux Rust supports.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split_whitespace().collect();
    let tick = |i: usize| Some(fields.get(i)?.parse::<u64>().ok()? as f64 / 100.0);
    Some((tick(11)?, tick(12)?))
}

/// CPU time (user + system) of this process so far, in seconds.
pub fn cpu_seconds() -> Option<f64> {
    cpu_of("self").map(|(user, sys)| user + sys)
}

/// With `TSUNAGU_TRACE_MEM` set, prints the current and peak resident memory and the CPU
/// time so far after `stage` to stderr: which stage holds the memory peak, and (from the
/// difference between two lines) what a stage cost summed over threads, which wall times
/// on a shared machine do not tell.
pub fn trace(stage: &str) {
    if std::env::var_os("TSUNAGU_TRACE_MEM").is_none() {
        return;
    }
    let kib = |f| status_kib(f).map_or("?".into(), |k| format!("{k} kB"));
    let cpu = cpu_of("self").map_or(String::new(), |(u, s)| {
        format!(" CPU user {u:.2} s sys {s:.2} s")
    });
    eprintln!(
        "[mem] after {stage}: VmRSS {} VmHWM {}{cpu}",
        kib("VmRSS"),
        kib("VmHWM")
    );
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn figures_of_this_process_are_read() {
        let _grow = vec![1u8; 4 << 20];
        assert!(super::peak_rss_kib().is_some_and(|k| k >= 4096));
        assert!(super::cpu_of("self").is_some());
        assert!(super::cpu_of("thread-self").is_some());
    }
}
