//! Markdown to safe HTML. Narratives are rendered by pulldown-cmark (tables, footnotes,
//! strikethrough) and *always* cleaned by ammonia afterwards: raw HTML in a narrative may
//! keep its harmless formatting, but scripts, event handlers, `javascript:` links, frames
//! and styles never reach a reader.

use pulldown_cmark::{Options, Parser, html};

/// Renders a narrative to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    sanitize(&unsafe_html)
}

/// Cleans HTML: the allowed tags and attributes of ammonia's defaults (no scripts, no event
/// handlers, no styles), links made `rel="noopener noreferrer"`, and only web and mail URLs.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// The text of a narrative without markup, for summaries and feeds (already escaped-free:
/// callers escape it as text).
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut text = String::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(part) | Event::Code(part) => text.push_str(&part),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first `limit` characters of `text`, cut at a word and ended with "…".
pub fn summary(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let cut: String = text.chars().take(limit).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |space| &cut[..space]);
    format!("{}…", at_word.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_never_survive() {
        let html = render(
            "Halo <script>alert(1)</script> <img src=x onerror=alert(2)> [klik](javascript:alert(3)) <a href=\"https://kpu.example\" onclick=\"x()\">ok</a>\n\n| a | b |\n|---|---|\n| 1 | ~~2~~ |\n",
        );
        assert!(!html.contains("<script") && !html.contains("onerror") && !html.contains("javascript:"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(html.contains("<table>") && html.contains("<del>2</del>"), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
    }

    #[test]
    fn summaries_cut_at_a_word() {
        assert_eq!(plain_text("**Tebal** dan _miring_.\n\n- satu\n- dua"), "Tebal dan miring. satu dua");
        assert_eq!(summary("satu dua tiga empat", 12), "satu dua…");
        assert_eq!(summary("pendek", 12), "pendek");
    }
}
