//! Every bad input the SPEC names: the build fails with exit status 1, the
//! message is exactly the snapshot, `check` agrees, and the previous
//! `public/` is left byte for byte as it was.

use crate::support::{SiteTest, fixtures};

/// Builds the base site, breaks it with `setup`, and checks the failed build.
fn fails(name: &str, setup: impl FnOnce(&SiteTest)) {
    fails_redacting(name, setup, &[]);
}

/// `fails`, replacing each (text, placeholder) in the message before the snapshot.
fn fails_redacting(name: &str, setup: impl FnOnce(&SiteTest), redactions: &[(&str, &str)]) {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    let before = site.snapshot_dir("public");
    setup(&site);
    let build = site.expect(&["build"], 1);
    assert!(
        site.snapshot_dir("public") == before,
        "{name}: the failed build changed public/"
    );
    let check = site.expect(&["check"], 1);
    assert_eq!(
        first_lines(&check.stderr),
        first_lines(&build.stderr),
        "{name}: check and build disagree"
    );
    assert!(
        !build.stderr.contains("panicked"),
        "{name}: {}",
        build.stderr
    );
    let mut message = site.redact(&build.stderr);
    for (text, placeholder) in redactions {
        message = message.replace(text, placeholder);
    }
    insta::assert_snapshot!(name, message);
}

/// Everything but the final summary line, which names the command.
fn first_lines(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("error: the site"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A case made of the files in `tests/fixtures/bad/<name>/`, laid over the base site.
fn overlay(name: &str) {
    fails(name, |site| {
        site.overlay(&fixtures().join("bad").join(name));
    });
}

macro_rules! overlay_cases {
    ($($name:ident),* $(,)?) => {
        const OVERLAY_CASES: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                overlay(stringify!($name));
            }
        )*
    };
}

overlay_cases!(
    address_part_too_long,
    alias_collision,
    alias_onto_content_file,
    alias_onto_feed,
    alias_onto_static_file,
    alias_to_its_own_address,
    alias_written_twice,
    apostrophe_inside_single_quotes,
    area_intros_misnamed,
    areas_as_names,
    areas_in_capitals,
    bad_aliases,
    bad_slug,
    broken_site_link,
    case_collision,
    change_without_note,
    changes_with_several_broken_entries,
    colon_in_nested_value,
    colon_without_space,
    config_and_content_mistakes,
    config_and_template_mistakes,
    config_area_typo,
    config_curly_quotes,
    config_duplicate_area,
    config_hints_that_work,
    config_key_after_table,
    config_key_too_deep,
    config_key_twice,
    config_language_and_names,
    config_missing_base_url,
    config_setting_inside_extra,
    config_several_mistakes,
    config_single_brackets,
    config_single_brackets_priority,
    config_time_zone_misspelt,
    config_unknown_key,
    control_character,
    curly_quotes,
    document_not_named_md,
    document_outside_the_folder,
    draft_yes,
    duplicate_key,
    duplicate_key_quoted_or_inline,
    every_misaligned_key,
    extra_not_a_map,
    file_in_search_folder,
    file_name_without_letters,
    front_matter_as_list,
    front_matter_closed_with_dots,
    funding_as_decimal,
    funding_not_plain,
    funding_text,
    funding_with_comma,
    hash_in_unquoted_text,
    hints_that_work,
    history_contradicts_itself,
    impossible_date,
    invisible_character,
    json_front_matter,
    key_of_another_kind,
    keys_from_other_tools,
    line_mistakes_with_others,
    line_without_key,
    link_to_draft,
    links_written_almost_right,
    merge_key,
    misindented_nested_key,
    misread_lines_and_escapes,
    missing_anchor,
    missing_link_target,
    missing_required,
    nested_duplicate_key,
    non_breaking_space,
    old_mac_line_endings,
    optional_fields_empty,
    page_on_generated_url,
    plan_document_is_itself,
    plan_document_with_its_folder,
    plan_two_areas,
    project_fields_in_words,
    quote_inside_double_quotes,
    relative_and_same_page_links,
    scheduled_document_mistakes,
    several_files,
    slug_collision,
    tab_indentation,
    template_base_without_blocks,
    template_component_cycle,
    template_components_too_deep,
    template_error_beside_site_links,
    template_extend_cycle,
    template_filter_wrong_kind,
    template_include_cycle,
    template_loop_over_missing_list,
    template_missing_include,
    template_missing_parent,
    template_misspelt_block,
    template_syntax_error,
    template_unclosed_tag,
    template_unknown_filter,
    template_unknown_variable,
    terms_without_commas,
    theme_file_in_search_folder,
    theme_misspelt,
    theme_outside_themes,
    title_empty,
    title_null,
    title_number,
    title_tilde,
    unclosed_front_matter,
    unclosed_list,
    unclosed_quote,
    undeclared_area_intro,
    unknown_area,
    unknown_folder,
    unknown_key,
    unknown_priority,
    unquoted_colon,
    wrapped_summary,
    yaml_syntax_in_plain_words,
    yaml_tag,
    year_out_of_range,
);

#[test]
fn every_bad_fixture_has_a_test() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures().join("bad"))
        .expect("tests/fixtures/bad")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, OVERLAY_CASES);
}

const HEAD: &str =
    "---\ntitle: \"Careers fair\"\ndate: 2018-03-01\nsummary: \"A fair.\"\nareas: [derby]\n";

#[test]
fn alias_bomb() {
    let mut yaml = String::from(HEAD);
    yaml.push_str("extra:\n  a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (name, previous) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        let refs = vec![format!("*{previous}"); 9].join(", ");
        yaml.push_str(&format!("  {name}: &{name} [{refs}]\n"));
    }
    yaml.push_str("---\n\nBody.\n");
    fails("alias_bomb", |site| {
        site.write("content/announcements/bomb.md", &yaml);
    });
}

/// One alias level, but wide: a long list repeated thousands of times
/// (serde_yaml's own limit counts each alias once), and a long text
/// repeated. Both took seconds and gigabytes.
#[test]
fn alias_wide() {
    let items = vec!["1"; 1000].join(",");
    let refs = vec!["*a"; 12_000].join(",");
    let yaml = format!("{HEAD}extra:\n  a: &a [{items}]\n  b: [{refs}]\n---\n\nBody.\n");
    fails("alias_wide", |site| {
        site.write("content/announcements/wide.md", &yaml);
    });
}

#[test]
fn alias_long_text() {
    let text = "x".repeat(20_000);
    let refs = vec!["*s"; 2_000].join(", ");
    let yaml = format!("{HEAD}extra:\n  s: &s \"{text}\"\n  b: [{refs}]\n---\n\nBody.\n");
    fails("alias_long_text", |site| {
        site.write("content/announcements/long.md", &yaml);
    });
}

#[test]
fn nested_brackets() {
    let depth = 100_000;
    let yaml = format!(
        "{HEAD}extra: {}{}\n---\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    fails("nested_brackets", |site| {
        site.write("content/announcements/deep.md", &yaml);
    });
}

#[test]
fn deep_flow_nesting() {
    let depth = 1_000;
    let yaml = format!(
        "{HEAD}extra: {}{}\n---\n",
        "{a: ".repeat(depth),
        "}".repeat(depth)
    );
    fails("deep_flow_nesting", |site| {
        site.write("content/announcements/deep.md", &yaml);
    });
}

#[test]
fn nested_blocks() {
    let mut yaml = String::from(HEAD);
    yaml.push_str("extra:\n");
    for level in 1..200 {
        yaml.push_str(&format!("{}k{level}:\n", "  ".repeat(level)));
    }
    yaml.push_str("---\n");
    fails("nested_blocks", |site| {
        site.write("content/announcements/deep.md", &yaml);
    });
}

#[test]
fn deeply_nested_body() {
    // Each kind of nesting a writer can type, far too deep: quotes, lists,
    // emphasis (the HTML minifier recurses and would run out of stack).
    for (name, body) in [
        ("deep_quotes", ">".repeat(100_000)),
        ("deep_lists", "- ".repeat(50_000)),
        (
            "deep_emphasis",
            format!("{}x{}", "*".repeat(10_000), "*".repeat(10_000)),
        ),
    ] {
        let text = format!("{HEAD}---\n{body} x\n");
        fails(name, |site| {
            site.write("content/announcements/deep.md", &text);
        });
    }
}

#[test]
fn deeply_nested_raw_html() {
    let text = format!("{HEAD}---\n{}x\n", "<div>".repeat(5_000));
    fails("deeply_nested_raw_html", |site| {
        let config = site.read("site.toml");
        site.write(
            "site.toml",
            format!("{config}\n[markdown]\nunsafe_html = true\n"),
        );
        site.write("content/announcements/deep.md", &text);
    });
}

#[test]
fn front_matter_over_64_kib() {
    let yaml = format!("{HEAD}extra:\n  notes: \"{}\"\n---\n", "x".repeat(70_000));
    fails("front_matter_over_64_kib", |site| {
        site.write("content/announcements/huge.md", &yaml);
    });
}

#[test]
fn invalid_utf8() {
    let mut bytes = format!("{HEAD}---\n\nCaf").into_bytes();
    bytes.extend_from_slice(&[0xe9, b'\n']);
    fails("invalid_utf8", |site| {
        site.write("content/announcements/latin1.md", &bytes);
    });
}

#[test]
fn nul_byte() {
    let text = format!("{HEAD}---\n\nA\0B\n");
    fails("nul_byte", |site| {
        site.write("content/announcements/nul.md", &text);
    });
}

#[test]
fn symlink_out_of_the_root() {
    let outside = tempfile::tempdir().expect("a temp folder");
    std::fs::write(
        outside.path().join("secret.md"),
        format!("{HEAD}---\nsecret\n"),
    )
    .expect("write");
    let shown = outside.path().canonicalize().expect("canonical");
    fails_redacting(
        "symlink_out_of_the_root",
        |site| {
            std::os::unix::fs::symlink(
                outside.path().join("secret.md"),
                site.path("content/announcements/secret.md"),
            )
            .expect("symlink");
        },
        &[(&shown.to_string_lossy(), "[OUTSIDE]")],
    );
}

#[test]
fn symlinked_folder_out_of_the_root() {
    let outside = tempfile::tempdir().expect("a temp folder");
    let shown = outside.path().canonicalize().expect("canonical");
    fails_redacting(
        "symlinked_folder_out_of_the_root",
        |site| {
            std::os::unix::fs::symlink(outside.path(), site.path("content/pages/elsewhere"))
                .expect("symlink");
        },
        &[(&shown.to_string_lossy(), "[OUTSIDE]")],
    );
}

#[test]
fn symlink_loop() {
    fails("symlink_loop", |site| {
        std::os::unix::fs::symlink(site.path("content"), site.path("content/pages/loop"))
            .expect("symlink");
    });
}

/// A link to the site folder, above `content/`: one loop error, not an
/// error for every file of the site read again through it.
#[test]
fn symlink_to_site_folder() {
    fails("symlink_to_site_folder", |site| {
        std::os::unix::fs::symlink("../..", site.path("content/plans/up")).expect("symlink");
    });
}

/// An introduction named with capitals: the hint is the file's right name,
/// not "declare `Derby`", which is no slug.
#[test]
fn intro_named_with_capitals() {
    fails("intro_named_with_capitals", |site| {
        std::fs::rename(
            site.path("content/areas/derby.md"),
            site.path("content/areas/Derby.md"),
        )
        .expect("rename");
    });
}

/// A plan's `document` that is a hidden file: it is there, but left out.
#[test]
fn plan_document_hidden_file() {
    fails("plan_document_hidden_file", |site| {
        std::fs::rename(
            site.path("content/plans/derby-plan.pdf"),
            site.path("content/plans/.derby-plan.pdf"),
        )
        .expect("rename");
        let plan = std::fs::read_to_string(site.path("content/plans/derby.md")).expect("plan");
        site.write(
            "content/plans/derby.md",
            plan.replace("document: derby-plan.pdf", "document: .derby-plan.pdf"),
        );
    });
}

#[test]
fn symlink_self_loop() {
    fails("symlink_self_loop", |site| {
        let link = site.path("content/pages/self.md");
        std::os::unix::fs::symlink(&link, &link).expect("symlink");
    });
}

#[test]
fn unicode_normalisation_collision() {
    fails("unicode_normalisation_collision", |site| {
        // The same slug once precomposed (é) and once decomposed (e + ◌́).
        let text = |title: &str| {
            format!(
                "---\ntitle: \"{title}\"\ndate: 2018-03-01\nsummary: \"A fair.\"\nareas: [derby]\nslug: cafe\n---\n"
            )
        };
        site.write("content/announcements/caf\u{e9}.md", text("One"));
        site.write("content/announcements/cafe\u{301}.md", text("Two"));
    });
}

#[test]
fn output_file_collision_by_normalisation() {
    fails("output_file_collision_by_normalisation", |site| {
        site.write("content/plans/r\u{e9}sum\u{e9}.pdf", "one");
        site.write("content/plans/re\u{301}sume\u{301}.pdf", "two");
    });
}

#[test]
fn templates_nested_too_deep() {
    // A chain of 200 includes overflowed the rendering thread's stack.
    fails("templates_nested_too_deep", |site| {
        for i in 0..200 {
            site.write(
                &format!("themes/opportunity/templates/inc/i{i}.html"),
                format!("{{% include \"inc/i{}.html\" %}}", i + 1),
            );
        }
        site.write("themes/opportunity/templates/inc/i200.html", "end");
        site.write(
            "themes/opportunity/templates/page.html",
            "{% extends \"base.html\" %}{% block content %}{% include \"inc/i0.html\" %}{% endblock content %}",
        );
    });
}

/// Regression: `check` passed a plan's PDF that could not be read, and
/// `build` then failed blaming its own staging folder ("could not write
/// …/.public.oasis-new-…/plans/derby-plan.pdf") with a disk-full hint.
#[cfg(unix)]
#[test]
fn unreadable_static_file() {
    if !crate::support::permissions_enforced() {
        return;
    }
    fails("unreadable_static_file", |site| {
        crate::support::chmod(&site.path("content/plans/derby-plan.pdf"), 0o000);
    });
}

/// Regression: an unreadable document's error had no help line.
#[cfg(unix)]
#[test]
fn unreadable_document() {
    if !crate::support::permissions_enforced() {
        return;
    }
    fails("unreadable_document", |site| {
        crate::support::chmod(&site.path("content/announcements/extension.md"), 0o000);
    });
}

/// A theme's file that cannot be read is found by `check` too.
#[cfg(unix)]
#[test]
fn unreadable_theme_file() {
    if !crate::support::permissions_enforced() {
        return;
    }
    fails("unreadable_theme_file", |site| {
        site.write("themes/opportunity/static/logo.svg", "<svg/>");
        crate::support::chmod(&site.path("themes/opportunity/static/logo.svg"), 0o000);
    });
}
