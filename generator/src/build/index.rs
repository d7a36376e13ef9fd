//! The index stage: everything render needs to look up, built once from the content —
//! the category tree (with inherited schema.org types and subtree members), tag and
//! 町字 (area) groups, a stable listing order, and the nearby r-tree.

use std::collections::{BTreeMap, HashMap};

use crate::model::{Category, Content, Resource, Status};
use crate::nearby::NearbyIndex;

/// One category with its place in the tree.
pub struct CategoryNode<'a> {
    pub cat: &'a Category,
    pub children: Vec<usize>,
    /// Root first, excluding the category itself.
    pub ancestors: Vec<usize>,
    /// schema.org type: its own, else the nearest ancestor's, else "Place".
    pub schema_type: &'a str,
    /// Published resources in this category or any descendant, in listing order.
    pub members: Vec<usize>,
}

/// A tag or a 町字 and the published resources that carry it, in listing order.
pub struct Group {
    pub label: String,
    pub members: Vec<usize>,
}

pub struct Index<'a> {
    pub content: &'a Content,
    /// In file order.
    pub categories: Vec<CategoryNode<'a>>,
    pub category_pos: HashMap<&'a str, usize>,
    /// Root categories, in file order.
    pub roots: Vec<usize>,
    /// Resources that get a page (active and suspended), by id.
    pub published: Vec<&'a Resource>,
    /// Indices into `published`, sorted by reading (kana, else name), then id.
    pub listing: Vec<usize>,
    /// Direct categories of each published resource (indices into `categories`).
    pub resource_categories: Vec<Vec<usize>>,
    /// Keyed by URL slug.
    pub tags: BTreeMap<String, Group>,
    pub areas: BTreeMap<String, Group>,
    /// Over published resources; suspended ones have no point (never recommended).
    pub nearby: NearbyIndex,
}

/// The URL path segment for a tag or 町字: the text itself (percent-encoded in links),
/// with characters that cannot sit in one path segment replaced. Japanese stays
/// readable in the address bar; public pages link these exact strings.
pub fn slug(text: &str) -> String {
    let s: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '/' | '\\' | '?' | '#' | '%' | '"' | '<' | '>' | '|' | '*' | ':' => '-',
            c if c.is_whitespace() || c.is_control() => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    match s.as_str() {
        "" | "." | ".." => "-".to_string(),
        _ => s,
    }
}

/// The 町字 of a resource, if its address names one.
pub fn town(r: &Resource) -> Option<&str> {
    r.address
        .as_ref()?
        .town
        .as_deref()
        .filter(|t| !t.trim().is_empty())
}

impl<'a> Index<'a> {
    pub fn new(content: &'a Content) -> Self {
        let category_pos: HashMap<&str, usize> = content
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let parent_of = |i: usize| {
            content.categories[i]
                .parent
                .as_deref()
                .and_then(|p| category_pos.get(p).copied())
        };

        let mut categories: Vec<CategoryNode> = content
            .categories
            .iter()
            .enumerate()
            .map(|(i, cat)| {
                let mut ancestors = Vec::new();
                let mut cur = parent_of(i);
                // The loader rejects cycles; the bound keeps a bad tree from hanging us.
                while let Some(p) = cur {
                    if ancestors.len() > content.categories.len() {
                        break;
                    }
                    ancestors.push(p);
                    cur = parent_of(p);
                }
                ancestors.reverse();
                let schema_type = std::iter::once(i)
                    .chain(ancestors.iter().rev().copied())
                    .find_map(|j| content.categories[j].schema_type.as_deref())
                    .unwrap_or("Place");
                CategoryNode {
                    cat,
                    children: Vec::new(),
                    ancestors,
                    schema_type,
                    members: Vec::new(),
                }
            })
            .collect();
        let mut roots = Vec::new();
        for i in 0..categories.len() {
            match parent_of(i) {
                Some(p) => categories[p].children.push(i),
                None => roots.push(i),
            }
        }

        let published: Vec<&Resource> = content
            .resources
            .iter()
            .filter(|r| r.status != Status::Closed)
            .collect();
        let mut listing: Vec<usize> = (0..published.len()).collect();
        let reading = |i: usize| {
            published[i]
                .name_kana
                .as_deref()
                .unwrap_or(&published[i].name)
        };
        listing.sort_by(|&a, &b| {
            reading(a)
                .cmp(reading(b))
                .then_with(|| published[a].id.cmp(&published[b].id))
        });

        let resource_categories: Vec<Vec<usize>> = published
            .iter()
            .map(|r| {
                r.categories
                    .iter()
                    .filter_map(|c| category_pos.get(c.as_str()).copied())
                    .collect()
            })
            .collect();

        let mut tags: BTreeMap<String, Group> = BTreeMap::new();
        let mut areas: BTreeMap<String, Group> = BTreeMap::new();
        // Walk in listing order so every member list comes out sorted.
        for &i in &listing {
            let r = published[i];
            let mut in_subtree: Vec<usize> = Vec::new();
            for &c in &resource_categories[i] {
                in_subtree.push(c);
                in_subtree.extend(&categories[c].ancestors);
            }
            in_subtree.sort_unstable();
            in_subtree.dedup();
            for c in in_subtree {
                categories[c].members.push(i);
            }
            let mut seen_tags: Vec<String> = Vec::new();
            for t in &r.tags {
                let s = slug(t);
                if seen_tags.contains(&s) {
                    continue;
                }
                tags.entry(s.clone())
                    .or_insert_with(|| Group {
                        label: t.trim().to_string(),
                        members: Vec::new(),
                    })
                    .members
                    .push(i);
                seen_tags.push(s);
            }
            if let Some(t) = town(r) {
                areas
                    .entry(slug(t))
                    .or_insert_with(|| Group {
                        label: t.trim().to_string(),
                        members: Vec::new(),
                    })
                    .members
                    .push(i);
            }
        }

        let nearby = NearbyIndex::new(
            published
                .iter()
                .map(|r| match r.status {
                    Status::Active => r.location.map(|l| l.lat_lon()),
                    _ => None,
                })
                .collect(),
        );

        Self {
            content,
            categories,
            category_pos,
            roots,
            published,
            listing,
            resource_categories,
            tags,
            areas,
            nearby,
        }
    }

    /// The category tree in display order (depth-first, file order among siblings).
    pub fn tree_order(&self) -> Vec<usize> {
        fn walk(ix: &Index<'_>, i: usize, out: &mut Vec<usize>) {
            out.push(i);
            for &c in &ix.categories[i].children {
                walk(ix, c, out);
            }
        }
        let mut out = Vec::with_capacity(self.categories.len());
        for &r in &self.roots {
            walk(self, r, &mut out);
        }
        out
    }

    /// schema.org type of a resource: that of its first (primary) category.
    pub fn schema_type(&self, resource: usize) -> &str {
        self.resource_categories[resource]
            .first()
            .map(|&c| self.categories[c].schema_type)
            .unwrap_or("Place")
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_keep_japanese_and_drop_separators() {
        assert_eq!(slug("温泉"), "温泉");
        assert_eq!(slug(" 無料 送迎 "), "無料-送迎");
        assert_eq!(slug("A/B?c"), "a-b-c");
        assert_eq!(slug(".."), "-");
    }
}
