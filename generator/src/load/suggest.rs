//! "Did you mean …?" for misspelt field names, category ids and weekday names.

/// The closest candidate to `word`, if it is close enough to be a plausible typo:
/// an edit distance of at most 1 for short words, about a third of the length for
/// longer ones, or a case-only difference.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let limit = (lower.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let d = strsim::damerau_levenshtein(&lower, &c.to_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::suggest;

    #[test]
    fn close_words_are_suggested() {
        assert_eq!(suggest("salonn", ["salon", "hobby"]), Some("salon"));
        assert_eq!(suggest("adress", ["address", "phone"]), Some("address"));
        assert_eq!(
            suggest("catgories", ["categories", "tags"]),
            Some("categories")
        );
        assert_eq!(suggest("Phone", ["phone"]), Some("phone"));
    }

    #[test]
    fn far_words_are_not() {
        assert_eq!(suggest("zzz", ["salon", "hobby"]), None);
        assert_eq!(suggest("colour", ["name", "icon"]), None);
    }
}
