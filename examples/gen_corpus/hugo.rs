//! The same corpus as a Hugo site, for timing Hugo on the same posts: a page per post with
//! its photos, a paginated home page, paginated lists per kind and per tag, an RSS feed
//! and a sitemap, with layouts as small as Hugo allows. Written for Hugo 0.111 (Debian 12).

use std::path::{Path, PathBuf};

use super::PostSpec;
use super::office::link_photo;

const CONFIG: &str = r#"baseURL = "https://arsip.kpu-contoh.example/"
languageCode = "id"
title = "Arsip Media Sosial KPU Kabupaten Contoh (korpus uji)"
paginate = 12
rssLimit = 20
disableKinds = ["section"]
[taxonomies]
  kind = "kinds"
  tag = "tags"
[outputs]
  home = ["HTML", "RSS"]
  taxonomy = ["HTML"]
  term = ["HTML"]
[markup.goldmark.renderer]
  unsafe = false
"#;

const BASEOF: &str = r#"<!doctype html>
<html lang="id">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title>
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | relURL }}"></head>
<body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<nav><a href="{{ "/kinds/" | relURL }}">Jenis</a> <a href="{{ "/tags/" | relURL }}">Tagar</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"#;

const INDEX: &str = r#"{{ define "main" }}{{ $pager := .Paginate (where .Site.RegularPages "Section" "posts") }}
{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "2 January 2006" }}</time><p>{{ .Summary }}</p></article>
{{ end }}{{ template "_internal/pagination.html" . }}{{ end }}"#;

const LIST: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>{{ $pager := .Paginate .Pages }}
{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "2 January 2006" }}</time><p>{{ .Summary }}</p></article>
{{ end }}{{ template "_internal/pagination.html" . }}{{ end }}"#;

const TERMS: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}</ul>{{ end }}"#;

const SINGLE: &str = r#"{{ define "main" }}<article><h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .Resources.ByType "image" }}<img src="{{ .RelPermalink }}" alt="{{ $.Title }}">{{ end }}
{{ .Content }}
<p>{{ range .Params.kinds }}<a href="{{ (printf "/kinds/%s/" (urlize .)) | relURL }}">{{ . }}</a> {{ end }}
{{ range .Params.tags }}<a href="{{ (printf "/tags/%s/" (urlize .)) | relURL }}">#{{ . }}</a> {{ end }}</p>
</article>{{ end }}"#;

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes the configuration and layouts.
pub fn write_skeleton(root: &Path) -> Result<(), String> {
    write(&root.join("config.toml"), CONFIG)?;
    let layouts = root.join("layouts");
    write(&layouts.join("_default/baseof.html"), BASEOF)?;
    write(&layouts.join("index.html"), INDEX)?;
    write(&layouts.join("_default/list.html"), LIST)?;
    write(&layouts.join("_default/terms.html"), TERMS)?;
    write(&layouts.join("_default/single.html"), SINGLE)
}

/// Writes one post as a page bundle with its photos.
pub fn write_post(root: &Path, spec: &PostSpec, pool: &[PathBuf]) -> Result<(), String> {
    let bundle = root.join("content/posts").join(spec.id.replace('/', "-"));
    let date = spec.published_at.to_rfc3339();
    let mut text = format!(
        "---\ntitle: \"{}\"\ndate: {date}\nkinds: [{}]\ntags: [{}]\ndraft: {}\n---\n",
        spec.title,
        spec.kind,
        spec.tags.join(", "),
        spec.published.is_empty()
    );
    text.push_str(&spec.body);
    write(&bundle.join("index.md"), &text)?;
    for (index, number) in spec.photos.iter().enumerate() {
        link_photo(pool, *number, &bundle.join(format!("foto-{}.jpg", index + 1)))?;
    }
    Ok(())
}
