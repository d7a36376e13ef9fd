//! `pages/<slug>.md`: YAML front matter between `---` lines, then Markdown.

use super::decode::Ctx;
use super::normalize;
use super::yaml::{self, Pos};
use crate::model::Page;

/// Slugs the portal itself uses at the top level; a page there would be shadowed.
const RESERVED: &[&str] = &[
    "resources",
    "categories",
    "tags",
    "areas",
    "search",
    "map",
    "data",
    "assets",
    "pro",
    "api",
    "404",
    "index",
    "sitemap",
    "robots",
];

pub fn decode(cx: &mut Ctx, src: &str, slug: &str) -> Option<Page> {
    if let Err(msg) = normalize::check_id(slug) {
        cx.file_error(
            Pos { line: 1, col: 1 },
            format!("ページのファイル名: {msg}"),
        );
        return None;
    }
    if RESERVED.contains(&slug) {
        cx.file_error(
            Pos { line: 1, col: 1 },
            format!("ページ名「{slug}」は /{slug}/ としてサイトが使っているため使えません。ファイル名を変えてください。"),
        );
        return None;
    }
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let Some(after_open) = src
        .strip_prefix("---\n")
        .or_else(|| src.strip_prefix("---\r\n"))
    else {
        cx.file_error(
            Pos { line: 1, col: 1 },
            "ページの先頭に「---」で囲んだ front matter（title など）を書いてください。",
        );
        return None;
    };
    // The closing `---` on its own line.
    let mut offset = 0;
    let mut close = None;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == "---" {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((fm_end, body_start)) = close else {
        cx.file_error(
            Pos { line: 1, col: 1 },
            "front matter を閉じる「---」の行がありません。",
        );
        return None;
    };
    let fm = &after_open[..fm_end];
    let body = after_open[body_start..]
        .trim_start_matches(['\r', '\n'])
        .to_owned();
    let root = match yaml::parse(fm, 1) {
        Ok(Some(root)) => root,
        Ok(None) => {
            cx.error(Pos { line: 2, col: 1 }, "title", "必須の項目がありません。");
            return None;
        }
        Err(e) => {
            cx.file_error(e.pos, e.message);
            return None;
        }
    };
    let m = cx.map(&root, "", &["title", "description", "order"])?;
    let title = cx.req_str(&m, "title");
    let description = cx.opt_str(&m, "description");
    let order = match m.get("order") {
        Some(n) => cx.int(n, "order").and_then(|v| i32::try_from(v).ok()),
        None => Some(100),
    };
    Some(Page {
        slug: slug.to_owned(),
        title: title?,
        description,
        order: order?,
        body,
        file: cx.file.to_owned(),
    })
}
