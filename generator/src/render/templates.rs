//! Loading the theme's tera templates once, with the site's own overrides: a file at
//! `<site root>/templates/<path>` replaces `themes/<theme>/templates/<path>`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Tera;

use super::RenderError;

fn collect(dir: &Path, rel: &str, out: &mut BTreeMap<String, PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel_path = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        if entry.file_type()?.is_dir() {
            collect(&entry.path(), &rel_path, out)?;
        } else if name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".txt") {
            out.insert(rel_path, entry.path());
        }
    }
    Ok(())
}

/// All templates by name: the theme's, then the overrides replacing same-named ones.
pub fn sources(theme_templates: &Path, overrides: Option<&Path>) -> Result<BTreeMap<String, PathBuf>, RenderError> {
    let mut files = BTreeMap::new();
    collect(theme_templates, "", &mut files)
        .map_err(|source| RenderError::Io { path: theme_templates.to_path_buf(), source })?;
    if let Some(dir) = overrides.filter(|d| d.is_dir()) {
        collect(dir, "", &mut files).map_err(|source| RenderError::Io { path: dir.to_path_buf(), source })?;
    }
    Ok(files)
}

/// Parses every template once; inheritance (`{% extends %}`) resolves across theme and
/// overrides, so an override of `base.html` changes every page.
pub fn load(theme_templates: &Path, overrides: Option<&Path>) -> Result<Tera, RenderError> {
    let files = sources(theme_templates, overrides)?;
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.add_template_files(files.iter().map(|(name, path)| (path.clone(), Some(name.clone()))))
        .map_err(|e| RenderError::Template(super::chain(&e)))?;
    Ok(tera)
}
