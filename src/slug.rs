//! Slugs: the URL segment of a file name or a heading.
//!
//! `Café Plan` → `cafe-plan`: accents folded to ASCII, lower-cased, and every
//! run of characters outside `[a-z0-9]` turned into one `-`.

/// Turns any text into a URL segment made of `[a-z0-9-]`.
pub fn slugify(text: &str) -> String {
    let folded = deunicode::deunicode(text);
    let mut slug = String::with_capacity(folded.len());
    let mut pending_dash = false;
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn follows_the_spec() {
        assert_eq!(slugify("Café Plan"), "cafe-plan");
        assert_eq!(slugify("Early years"), "early-years");
        assert_eq!(slugify("  --Derby's 2017 plan!-- "), "derby-s-2017-plan");
        assert_eq!(slugify("Straße"), "strasse");
        assert_eq!(slugify("!!!"), "");
    }
}
