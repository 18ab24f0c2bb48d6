//! Which templates a page depends on, for deciding what a template edit
//! re-renders.
//!
//! In: the theme's template sources. Out: for each template, a fingerprint of
//! its own text and of every template it may use — those it names in a
//! string (`{% extends "base.html" %}`, `{% include "partials/x.html" %}`),
//! transitively, and every template that defines a component, since Tera 2
//! components can be used from any template. Two builds give a template the
//! same fingerprint only if nothing it can read changed. Over-approximating
//! is safe: it only re-renders more.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use crate::render::theme::TemplateSource;

/// Fingerprints of every template, by name.
pub fn fingerprints(sources: &BTreeMap<String, TemplateSource>) -> HashMap<String, u64> {
    let names: Vec<&str> = sources.keys().map(String::as_str).collect();
    let named: HashMap<&str, Vec<&str>> = sources
        .iter()
        .map(|(name, source)| {
            let uses = names
                .iter()
                .copied()
                .filter(|other| *other != name && mentions(&source.text, other))
                .collect();
            (name.as_str(), uses)
        })
        .collect();
    let components: Vec<&str> = sources
        .iter()
        .filter(|(_, source)| source.text.contains("component"))
        .map(|(name, _)| name.as_str())
        .collect();
    sources
        .keys()
        .map(|name| {
            let mut closure: BTreeSet<&str> = BTreeSet::new();
            let mut pending = vec![name.as_str()];
            while let Some(next) = pending.pop() {
                if closure.insert(next) {
                    pending.extend(named.get(next).into_iter().flatten().copied());
                }
            }
            closure.extend(components.iter().copied());
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            for used in closure {
                used.hash(&mut hasher);
                if let Some(source) = sources.get(used) {
                    source.text.hash(&mut hasher);
                }
            }
            (name.clone(), hasher.finish())
        })
        .collect()
}

/// Whether a template's text names another template in quotes.
fn mentions(text: &str, name: &str) -> bool {
    text.contains(&format!("\"{name}\"")) || text.contains(&format!("'{name}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(templates: &[(&str, &str)]) -> BTreeMap<String, TemplateSource> {
        templates
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    TemplateSource {
                        display: name.to_string(),
                        text: text.to_string(),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn a_template_depends_on_its_parents_and_includes_only() {
        let before = sources(&[
            (
                "base.html",
                "<body>{% block content %}{% endblock content %}</body>",
            ),
            (
                "page.html",
                r#"{% extends "base.html" %}{% include "partials/card.html" %}"#,
            ),
            ("partials/card.html", "card"),
            ("atom.xml", "<feed/>"),
        ]);
        let after_card = sources(&[
            (
                "base.html",
                "<body>{% block content %}{% endblock content %}</body>",
            ),
            (
                "page.html",
                r#"{% extends "base.html" %}{% include "partials/card.html" %}"#,
            ),
            ("partials/card.html", "a new card"),
            ("atom.xml", "<feed/>"),
        ]);
        let (a, b) = (fingerprints(&before), fingerprints(&after_card));
        assert_ne!(a["page.html"], b["page.html"]);
        assert_ne!(a["partials/card.html"], b["partials/card.html"]);
        assert_eq!(a["base.html"], b["base.html"]);
        assert_eq!(a["atom.xml"], b["atom.xml"]);
    }

    #[test]
    fn a_component_definition_is_used_by_every_template() {
        let before = sources(&[
            (
                "components.html",
                "{% component Card(title) %}{{ title }}{% endcomponent Card %}",
            ),
            ("atom.xml", "<feed/>"),
        ]);
        let after = sources(&[
            (
                "components.html",
                "{% component Card(title) %}<b>{{ title }}</b>{% endcomponent Card %}",
            ),
            ("atom.xml", "<feed/>"),
        ]);
        assert_ne!(
            fingerprints(&before)["atom.xml"],
            fingerprints(&after)["atom.xml"]
        );
    }

    #[test]
    fn include_cycles_end() {
        let cyclic = sources(&[
            ("a.html", r#"{% include "b.html" %}"#),
            ("b.html", r#"{% include "a.html" %}"#),
        ]);
        assert_eq!(fingerprints(&cyclic).len(), 2);
    }
}
