//! One source line prepared for display with an underline under a span.

use super::width::char_width;

/// Display width above which a source line is cut to a window around the
/// span, so a minified JSON document does not print a megabyte-long line.
pub(crate) const MAX_LINE_WIDTH: usize = 120;

/// Display columns kept before the span when a long line is cut.
const CONTEXT_BEFORE: usize = 40;

/// Marker printed where a long line was cut.
const ELLIPSIS: &str = "...";

/// A source line as printed, and the columns to underline in it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct MarkedLine {
    /// The printable line: tabs expanded to spaces, control characters
    /// replaced by U+FFFD, and cut to a window around the span when it is
    /// wider than [`MAX_LINE_WIDTH`].
    pub text: String,
    /// Display columns before the first underlined column.
    pub offset: usize,
    /// Display columns to underline, at least 1.
    pub width: usize,
}

/// A printable piece of the line for one source character.
struct Cell {
    text: String,
    width: usize,
}

/// Prepares `line` for display with an underline from character column
/// `start` (1-based) up to `end` (exclusive), or to the end of the line
/// when `end` is `None`.
///
/// A span that is empty, or that lies past the end of the line, gets a
/// one-column underline at its start, clamped to just after the last
/// character.
pub(crate) fn mark_line(line: &str, start: u32, end: Option<u32>) -> MarkedLine {
    let cells: Vec<Cell> = line.chars().map(cell).collect();
    let start_index = column_index(start).min(cells.len());
    let end_index = end
        .map_or(cells.len(), column_index)
        .clamp(start_index, cells.len());

    let offset: usize = cells[..start_index].iter().map(|c| c.width).sum();
    let width: usize = cells[start_index..end_index].iter().map(|c| c.width).sum();
    let width = width.max(1);

    let total: usize = cells.iter().map(|c| c.width).sum();
    if total <= MAX_LINE_WIDTH {
        let text = cells.iter().map(|c| c.text.as_str()).collect();
        return MarkedLine {
            text,
            offset,
            width,
        };
    }
    window(&cells, total, offset, width)
}

/// Cuts a long line to [`MAX_LINE_WIDTH`] columns that start a little
/// before the span, marking each cut with [`ELLIPSIS`].
fn window(cells: &[Cell], total: usize, offset: usize, width: usize) -> MarkedLine {
    let window_start = offset.saturating_sub(CONTEXT_BEFORE);
    let window_end = window_start.saturating_add(MAX_LINE_WIDTH);

    let mut text = String::new();
    let prefix = if window_start > 0 { ELLIPSIS.len() } else { 0 };
    if prefix > 0 {
        text.push_str(ELLIPSIS);
    }

    // Keep every cell that fits inside the window. A wide character that
    // straddles an edge is dropped, so `shown_start` may be past
    // `window_start`.
    let mut column = 0;
    let mut shown_start = None;
    let mut shown_end = window_start;
    for cell in cells {
        let cell_end = column + cell.width;
        if column >= window_start && cell_end <= window_end {
            shown_start.get_or_insert(column);
            shown_end = cell_end;
            text.push_str(&cell.text);
        }
        column = cell_end;
    }
    if shown_end < total {
        text.push_str(ELLIPSIS);
    }

    let shown_start = shown_start.unwrap_or(window_start);
    let offset_in_window = offset.saturating_sub(shown_start);
    let room = shown_end.saturating_sub(offset).max(1);
    MarkedLine {
        text,
        offset: prefix + offset_in_window,
        width: width.min(room),
    }
}

/// Turns a 1-based character column into a 0-based character index.
fn column_index(column: u32) -> usize {
    usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX)
}

fn cell(c: char) -> Cell {
    let text = if c == '\t' {
        " ".repeat(char_width(c))
    } else if c.is_control() {
        // Never echo escape sequences or other control characters from a
        // document to the terminal.
        char::REPLACEMENT_CHARACTER.to_string()
    } else {
        c.to_string()
    };
    let width = if c.is_control() && c != '\t' {
        1
    } else {
        char_width(c)
    };
    Cell { text, width }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_span_underlined() {
        let marked = mark_line("    $ref: '#/x'", 5, Some(16));
        assert_eq!(marked.text, "    $ref: '#/x'");
        assert_eq!(marked.offset, 4);
        assert_eq!(marked.width, 11);
    }

    #[test]
    fn open_end_underlines_to_end_of_line() {
        let marked = mark_line("  payload:", 3, None);
        assert_eq!(marked.offset, 2);
        assert_eq!(marked.width, 8);
    }

    #[test]
    fn empty_span_gets_one_caret() {
        let marked = mark_line("key: value", 6, Some(6));
        assert_eq!(marked.offset, 5);
        assert_eq!(marked.width, 1);
    }

    #[test]
    fn span_past_line_end_clamped() {
        let marked = mark_line("key:", 9, Some(12));
        assert_eq!(marked.offset, 4);
        assert_eq!(marked.width, 1);
    }

    #[test]
    fn non_ascii_before_span_counts_characters_not_bytes() {
        // "é" is two bytes in UTF-8 but one column, so the span starting at
        // character column 7 is at display offset 6.
        let marked = mark_line("café: bad", 7, Some(10));
        assert_eq!(marked.offset, 6);
        assert_eq!(marked.width, 3);
    }

    #[test]
    fn wide_characters_before_span_take_two_columns() {
        let marked = mark_line("名前: x", 5, Some(6));
        assert_eq!(marked.offset, 6);
        assert_eq!(marked.width, 1);
    }

    #[test]
    fn wide_characters_inside_span_widen_underline() {
        let marked = mark_line("a: 名前", 4, Some(6));
        assert_eq!(marked.offset, 3);
        assert_eq!(marked.width, 4);
    }

    #[test]
    fn tabs_expand_and_shift_caret() {
        let marked = mark_line("\tkey:\tvalue", 7, Some(12));
        assert_eq!(marked.text, "    key:    value");
        assert_eq!(marked.offset, 12);
        assert_eq!(marked.width, 5);
    }

    #[test]
    fn control_characters_are_replaced() {
        let marked = mark_line("a: \u{1b}[31mred", 4, Some(5));
        assert!(!marked.text.contains('\u{1b}'));
        assert!(marked.text.contains('\u{FFFD}'));
        assert_eq!(marked.offset, 3);
        assert_eq!(marked.width, 1);
    }

    #[test]
    fn long_line_is_cut_around_span() {
        let line = format!("{}\"bad\"{}", "x".repeat(1000), "y".repeat(1000));
        let marked = mark_line(&line, 1001, Some(1006));
        assert!(marked.text.starts_with(ELLIPSIS));
        assert!(marked.text.ends_with(ELLIPSIS));
        let shown: String = marked
            .text
            .chars()
            .skip(marked.offset)
            .take(marked.width)
            .collect();
        assert_eq!(shown, "\"bad\"");
        assert!(marked.text.chars().count() <= MAX_LINE_WIDTH + 2 * ELLIPSIS.len());
    }

    #[test]
    fn long_line_cut_only_at_end() {
        let line = format!("ab{}", "z".repeat(500));
        let marked = mark_line(&line, 1, Some(3));
        assert!(marked.text.starts_with("ab"));
        assert!(marked.text.ends_with(ELLIPSIS));
        assert_eq!(marked.offset, 0);
        assert_eq!(marked.width, 2);
    }

    #[test]
    fn long_span_is_cut_at_window_end() {
        let line = "q".repeat(400);
        let marked = mark_line(&line, 1, None);
        assert_eq!(marked.offset, 0);
        assert_eq!(marked.width, MAX_LINE_WIDTH);
    }
}
