//! Display width of characters in a terminal cell grid.

/// Columns a tab takes in a rendered snippet. Tabs are expanded to a fixed
/// width, not to tab stops, so the caret line lines up with the source line
/// whatever the terminal's tab settings are.
pub(crate) const TAB_WIDTH: usize = 4;

/// Returns how many terminal columns `c` takes once the snippet renderer
/// has replaced it with its printable form.
///
/// NOTE: this approximates Unicode East Asian Width (UAX #11) with the
/// common wide blocks (CJK, Hangul, full-width forms, most emoji) and the
/// common zero-width marks. Rare wide or combining characters outside
/// those blocks count as one column, so a caret after them can sit one
/// column off.
pub(crate) fn char_width(c: char) -> usize {
    if c == '\t' {
        return TAB_WIDTH;
    }
    let code = u32::from(c);
    if is_zero_width(code) {
        0
    } else if is_wide(code) {
        2
    } else {
        1
    }
}

fn is_zero_width(code: u32) -> bool {
    matches!(
        code,
        0x0300..=0x036F // combining diacritical marks
            | 0x1AB0..=0x1AFF
            | 0x1DC0..=0x1DFF
            | 0x200B..=0x200F // zero-width space, joiners, direction marks
            | 0x20D0..=0x20FF
            | 0xFE00..=0xFE0F // variation selectors
            | 0xFE20..=0xFE2F
    )
}

fn is_wide(code: u32) -> bool {
    matches!(
        code,
        0x1100..=0x115F // Hangul Jamo initials
            | 0x2E80..=0x303E // CJK radicals, punctuation
            | 0x3041..=0x33FF // kana, CJK symbols
            | 0x3400..=0x4DBF // CJK extension A
            | 0x4E00..=0x9FFF // CJK unified ideographs
            | 0xA000..=0xA4CF // Yi
            | 0xAC00..=0xD7A3 // Hangul syllables
            | 0xF900..=0xFAFF // CJK compatibility ideographs
            | 0xFE30..=0xFE4F // CJK compatibility forms
            | 0xFF00..=0xFF60 // full-width forms
            | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1F64F // pictographs, emoticons
            | 0x1F900..=0x1F9FF
            | 0x20000..=0x3FFFD // CJK extensions B and later
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_one_column() {
        assert_eq!(char_width('a'), 1);
        assert_eq!(char_width(' '), 1);
    }

    #[test]
    fn tab_is_tab_width() {
        assert_eq!(char_width('\t'), TAB_WIDTH);
    }

    #[test]
    fn cjk_and_emoji_are_two_columns() {
        assert_eq!(char_width('注'), 2);
        assert_eq!(char_width('한'), 2);
        assert_eq!(char_width('😀'), 2);
    }

    #[test]
    fn accented_latin_is_one_column() {
        assert_eq!(char_width('é'), 1);
        assert_eq!(char_width('ß'), 1);
    }

    #[test]
    fn combining_mark_is_zero_columns() {
        assert_eq!(char_width('\u{0301}'), 0);
    }
}
