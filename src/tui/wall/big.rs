//! Block letters for the wallboard's tier badge: five rows high, so `TIER III` reads from
//! across a NOC room. Only the glyphs the badge needs; anything else falls back to a box.

/// Rows in every glyph.
pub const HEIGHT: u16 = 5;

fn glyph(c: char) -> [&'static str; 5] {
    match c {
        'T' => ["█████", "  █  ", "  █  ", "  █  ", "  █  "],
        'I' => ["███", " █ ", " █ ", " █ ", "███"],
        'E' => ["████", "█   ", "███ ", "█   ", "████"],
        'R' => ["████ ", "█   █", "████ ", "█  █ ", "█   █"],
        'V' => ["█   █", "█   █", "█   █", " █ █ ", "  █  "],
        '0' => [" ███ ", "█   █", "█   █", "█   █", " ███ "],
        '-' => ["   ", "   ", "███", "   ", "   "],
        ' ' => ["  ", "  ", "  ", "  ", "  "],
        _ => ["████", "█  █", "█  █", "█  █", "████"],
    }
}

/// `text` as five lines of block letters, one blank column between letters.
pub fn lines(text: &str) -> [String; 5] {
    let mut out: [String; 5] = Default::default();
    for (i, c) in text.chars().enumerate() {
        for (row, part) in out.iter_mut().zip(glyph(c)) {
            if i > 0 {
                row.push(' ');
            }
            row.push_str(part);
        }
    }
    out
}

/// Columns `lines(text)` takes.
pub fn width(text: &str) -> u16 {
    lines(text)[0].chars().count() as u16
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_row_of_a_word_is_equally_wide() {
        for word in ["TIER I", "TIER II", "TIER III", "TIER IV", "TIER 0"] {
            let rows = super::lines(word);
            let w = rows[0].chars().count();
            assert!(rows.iter().all(|r| r.chars().count() == w), "{word}");
        }
        assert_eq!(super::width("TIER III"), 35);
    }
}
