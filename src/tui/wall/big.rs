//! Block letters for the wallboard's badge: five rows high (ten, doubled, on a big wall), so
//! `WARNING` reads from across a NOC room. Only the glyphs the badge needs; anything else
//! falls back to a box.

/// Rows in every glyph.
pub const HEIGHT: u16 = 5;

fn glyph(c: char) -> [&'static str; 5] {
    match c {
        'T' => ["█████", "  █  ", "  █  ", "  █  ", "  █  "],
        'W' => ["█   █", "█   █", "█ █ █", "██ ██", "█   █"],
        'A' => [" ███ ", "█   █", "█████", "█   █", "█   █"],
        'N' => ["█   █", "██  █", "█ █ █", "█  ██", "█   █"],
        'G' => [" ████", "█    ", "█  ██", "█   █", " ████"],
        'C' => [" ████", "█    ", "█    ", "█    ", " ████"],
        'L' => ["█    ", "█    ", "█    ", "█    ", "█████"],
        'O' => [" ███ ", "█   █", "█   █", "█   █", " ███ "],
        'K' => ["█   █", "█  █ ", "███  ", "█  █ ", "█   █"],
        'U' => ["█   █", "█   █", "█   █", "█   █", " ███ "],
        'D' => ["████ ", "█   █", "█   █", "█   █", "████ "],
        'S' => [" ████", "█    ", " ███ ", "    █", "████ "],
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

/// `lines(text)` with every cell doubled `scale` times across and down.
pub fn scaled(text: &str, scale: u16) -> Vec<String> {
    let scale = usize::from(scale.max(1));
    lines(text)
        .iter()
        .flat_map(|row| {
            let wide: String = row
                .chars()
                .flat_map(|c| std::iter::repeat_n(c, scale))
                .collect();
            std::iter::repeat_n(wide, scale)
        })
        .collect()
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
        for word in ["WARNING", "CRITICAL", "UNKNOWN", "OK"] {
            assert!(
                word.chars().all(|c| super::glyph(c) != super::glyph('?')),
                "{word}"
            );
            let big = super::scaled(word, 2);
            assert_eq!(big.len(), 10);
            assert_eq!(big[0].chars().count(), 2 * usize::from(super::width(word)));
        }
    }
}
