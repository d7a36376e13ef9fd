//! Test support shared by the unit tests of several modules.

/// One xorshift step: deterministic pseudo-random numbers without a dependency.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// `count` texts of fewer than `max_len` characters drawn from `pool`: the same sequence
/// for the same `seed` on every machine.
pub(crate) fn random_texts(
    seed: u64,
    pool: &[char],
    max_len: u64,
    count: usize,
) -> impl Iterator<Item = String> {
    let mut state = seed;
    (0..count).map(move |_| {
        let len = state % max_len;
        let text = (0..len)
            .map(|_| pool[(xorshift(&mut state) % pool.len() as u64) as usize])
            .collect();
        xorshift(&mut state);
        text
    })
}
