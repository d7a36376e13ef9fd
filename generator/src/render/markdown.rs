//! Markdown → HTML for descriptions and free pages. Raw HTML in the source is shown as
//! text, never passed through: records come from many hands (and from imports), and a
//! stray `<script>` must not reach residents' browsers. Link targets are limited to
//! http(s), mailto, tel and site-relative URLs for the same reason.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

fn safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    match lower.find(':') {
        // A colon before any '/', '?' or '#' means a scheme: allow only a few.
        Some(i) if !lower[..i].contains(['/', '?', '#']) => {
            matches!(&lower[..i], "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

/// Renders `src` as HTML with raw HTML escaped and unsafe link schemes removed.
pub fn to_html(src: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(src, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::Borrowed("#"),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::Borrowed("#"),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(src.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Plain text of the first paragraph, at most `max` characters: for meta descriptions.
pub fn summary(src: &str, max: usize) -> String {
    let mut text = String::new();
    for event in Parser::new(src) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(pulldown_cmark::TagEnd::Paragraph) if !text.is_empty() => break,
            Event::End(pulldown_cmark::TagEnd::Item) => text.push(' '),
            _ => {}
        }
    }
    let text = text.trim();
    if text.chars().count() > max {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped_not_passed_through() {
        let html = to_html("こんにちは <script>alert(1)</script>\n\n<div onclick=x>y</div>");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<div"), "{html}");
    }

    #[test]
    fn javascript_links_are_neutralised() {
        let html = to_html("[a](javascript:alert(1)) [b](https://example.jp/) [c](/about/)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains(r#"href="https://example.jp/""#));
        assert!(html.contains(r#"href="/about/""#));
    }

    #[test]
    fn summary_takes_first_paragraph() {
        assert_eq!(
            summary("**無料**の送迎バス。\n\n- 体操", 80),
            "無料の送迎バス。"
        );
        assert_eq!(summary("あいうえおかきくけこ", 5), "あいうえ…");
    }
}
