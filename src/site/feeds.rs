//! Feeds and discovery: Atom feeds (the whole site, and one per kind of content), the
//! sitemap (split into a sitemap index past 50,000 addresses, the protocol's limit) and
//! `robots.txt`. They are written directly, not through templates: their formats are
//! fixed by their standards.

use std::fmt::Write as _;

use super::view::{PostView, Urls};

/// Entries in a feed.
pub const FEED_ENTRIES: usize = 30;

/// The most addresses one sitemap file may list.
pub const SITEMAP_LIMIT: usize = 50_000;

/// Escapes text for XML.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids.
            control if (control as u32) < 0x20 && !matches!(control, '\t' | '\n' | '\r') => {}
            other => out.push(other),
        }
    }
    out
}

/// An Atom feed of `posts` (newest first), at site path `path`.
pub fn atom(title: &str, office: &str, path: &str, urls: &Urls, posts: &[&PostView]) -> String {
    let updated = posts.first().map_or("1970-01-01T00:00:00+00:00", |post| post.date_iso.as_str());
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(xml, "  <title>{}</title>", xml_escape(title));
    let _ = writeln!(xml, "  <id>{}</id>", xml_escape(&urls.absolute(path)));
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&urls.absolute(path))
    );
    let _ = writeln!(xml, "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(&urls.absolute("")));
    let _ = writeln!(xml, "  <updated>{updated}</updated>");
    let _ = writeln!(xml, "  <author><name>{}</name></author>", xml_escape(office));
    for post in posts.iter().take(FEED_ENTRIES) {
        xml.push_str("  <entry>\n");
        let _ = writeln!(xml, "    <title>{}</title>", xml_escape(&post.title));
        let _ = writeln!(xml, "    <id>{}</id>", xml_escape(&post.permalink));
        let _ =
            writeln!(xml, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(&post.permalink));
        let _ = writeln!(xml, "    <published>{}</published>", post.date_iso);
        let _ = writeln!(xml, "    <updated>{}</updated>", post.date_iso);
        let _ = writeln!(xml, "    <category term=\"{}\" label=\"{}\"/>", post.kind, xml_escape(post.kind_label));
        let _ = writeln!(xml, "    <summary>{}</summary>", xml_escape(&post.summary));
        let _ = writeln!(xml, "    <content type=\"html\">{}</content>", xml_escape(&post.body_html));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// The sitemap files: `sitemap.xml` alone, or an index of `sitemap-N.xml` past the limit.
/// Each address is a site path.
pub fn sitemaps(urls: &Urls, paths: &[String]) -> Vec<(String, String)> {
    let urlset = |chunk: &[String]| {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for path in chunk {
            let _ = writeln!(xml, "  <url><loc>{}</loc></url>", xml_escape(&urls.absolute(path)));
        }
        xml.push_str("</urlset>\n");
        xml
    };
    if paths.len() <= SITEMAP_LIMIT {
        return vec![("sitemap.xml".to_string(), urlset(paths))];
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (number, chunk) in paths.chunks(SITEMAP_LIMIT).enumerate() {
        let name = format!("sitemap-{}.xml", number + 1);
        let _ = writeln!(index, "  <sitemap><loc>{}</loc></sitemap>", xml_escape(&urls.absolute(&name)));
        files.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".to_string(), index));
    files
}

/// `robots.txt`: everything may be crawled (a draft preview: nothing), and where the sitemap is.
pub fn robots(urls: &Urls, drafts: bool) -> String {
    if drafts {
        return "User-agent: *\nDisallow: /\n".to_string();
    }
    format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", urls.absolute("sitemap.xml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sitemap_past_the_limit_becomes_an_index() {
        let urls = Urls::new("https://arsip.example/");
        let paths: Vec<String> = (0..SITEMAP_LIMIT + 1).map(|n| format!("p/{n}/")).collect();
        let files = sitemaps(&urls, &paths);
        assert_eq!(
            files.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
            ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"]
        );
        assert!(files[0].1.contains("<sitemapindex") && files[0].1.contains("https://arsip.example/sitemap-2.xml"));
        assert_eq!(files[2].1.matches("<url>").count(), 1);
        assert_eq!(sitemaps(&urls, &paths[..3])[0].1.matches("<url>").count(), 3);
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
