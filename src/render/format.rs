//! How dates, money and file sizes are written on the site, GOV.UK style.

use jiff::civil::Date;

use crate::load::fields::month_name;

/// "9 October 2017"
pub fn format_date(date: Date) -> String {
    format!(
        "{} {} {}",
        date.day(),
        month_name(date.month()),
        date.year()
    )
}

/// "£22,000,000"
pub fn format_money(pounds: u64) -> String {
    let digits = pounds.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 2);
    out.push('£');
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "2.1 MB", "340 KB", "512 bytes"
pub fn format_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KB * KB {
        format!("{:.1} MB", b / (KB * KB))
    } else if b >= KB {
        format!("{} KB", (b / KB).round() as u64)
    } else if bytes == 1 {
        "1 byte".to_string()
    } else {
        format!("{bytes} bytes")
    }
}

/// An Atom timestamp: midnight of `date` in the site's time zone. An
/// offset with seconds (local mean time, before a zone's standard time:
/// Amsterdam's +00:19:32 in 1901) has no RFC 3339 form: that instant is
/// given in UTC.
pub fn rfc3339(date: Date, timezone: &jiff::tz::TimeZone) -> String {
    match date.to_zoned_datetime(timezone.clone()) {
        Ok(zoned) if zoned.offset().seconds() % 60 == 0 => {
            zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
        }
        Ok(zoned) => zoned
            .with_time_zone(jiff::tz::TimeZone::UTC)
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
        Err(_) => format!("{date}T00:00:00Z"),
    }
}

/// The text of a body's first paragraph, cut after a whole word within
/// `limit` characters (with "…" if cut): the meta description of a page
/// without a summary, so that no two such pages share the site's.
pub fn lead_text(html: &str, limit: usize) -> Option<String> {
    let start = html
        .match_indices("<p")
        .find(|(i, _)| matches!(html.as_bytes().get(i + 2), Some(b'>' | b' ')))?
        .0;
    let end = html[start..].find("</p>").map_or(html.len(), |e| start + e);
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    // The renderer writes only these references in text.
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let mut lead = String::new();
    for word in &words {
        let length = lead.chars().count() + usize::from(!lead.is_empty()) + word.chars().count();
        if length > limit {
            if lead.is_empty() {
                lead = word.chars().take(limit).collect();
            }
            lead.push('…');
            return Some(lead);
        }
        if !lead.is_empty() {
            lead.push(' ');
        }
        lead.push_str(word);
    }
    Some(lead)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Regression: Amsterdam in 1901 gave `+00:19:32`, not valid RFC 3339.
    #[test]
    fn an_atom_time_has_an_offset_in_whole_minutes() {
        let zone = |name| jiff::tz::TimeZone::get(name).unwrap();
        let day = |y, m, d| Date::new(y, m, d).unwrap();
        assert_eq!(
            rfc3339(day(2017, 7, 12), &zone("Europe/London")),
            "2017-07-12T00:00:00+01:00"
        );
        assert_eq!(
            rfc3339(day(2017, 1, 12), &zone("Europe/London")),
            "2017-01-12T00:00:00+00:00"
        );
        // Amsterdam kept local mean time, +00:19:32, until 1937.
        assert_eq!(
            rfc3339(day(1901, 6, 1), &zone("Europe/Amsterdam")),
            "1901-05-31T23:40:28Z"
        );
    }

    #[test]
    fn a_lead_is_the_first_paragraphs_text_cut_at_a_word() {
        let html = "<h2 id=\"a\">Heading</h2>\n<p>Pupils &amp; <em>parents</em> met   employers.</p><p>More.</p>";
        assert_eq!(
            lead_text(html, 160).as_deref(),
            Some("Pupils & parents met employers.")
        );
        assert_eq!(
            lead_text(html, 20).as_deref(),
            Some("Pupils & parents met…")
        );
        assert_eq!(lead_text("<pre>code</pre>", 160), None);
        assert_eq!(lead_text("<p class=\"x\"> </p>", 160), None);
    }

    #[test]
    fn writes_like_gov_uk() {
        assert_eq!(
            format_date(jiff::civil::date(2017, 10, 9)),
            "9 October 2017"
        );
        assert_eq!(format_money(22_000_000), "£22,000,000");
        assert_eq!(format_money(999), "£999");
        assert_eq!(format_money(1_000), "£1,000");
        assert_eq!(format_size(2_202_010), "2.1 MB");
        assert_eq!(format_size(348_160), "340 KB");
    }

    #[test]
    fn stamps_feeds_in_the_site_time_zone() {
        let london = jiff::tz::TimeZone::get("Europe/London").unwrap();
        assert_eq!(
            rfc3339(jiff::civil::date(2017, 10, 9), &london),
            "2017-10-09T00:00:00+01:00"
        );
        assert_eq!(
            rfc3339(jiff::civil::date(2017, 1, 9), &london),
            "2017-01-09T00:00:00+00:00"
        );
    }
}
