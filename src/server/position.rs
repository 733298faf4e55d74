//! Byte offsets ↔ LSP positions. LSP counts lines at `\n`, `\r\n` and `\r`, and
//! characters in UTF-16 code units unless client and server agreed on UTF-8
//! (`positionEncoding`, LSP 3.17).

use lsp_types::{Position, Range};

/// How `Position.character` counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// Line starts of one text, for many conversions.
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    encoding: Encoding,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str, encoding: Encoding) -> Self {
        let b = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if b.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Lines {
            text,
            starts,
            encoding,
        }
    }

    /// The position of a byte offset (clamped to the text, floored to a character).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let before = &self.text[self.starts[line]..offset];
        let character = match self.encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, r: std::ops::Range<usize>) -> Range {
        Range::new(self.position(r.start), self.position(r.end))
    }

    /// The byte offset of a position; a character past the line's end means its end
    /// (LSP), a line past the last means the end of the text.
    pub fn offset(&self, p: Position) -> usize {
        let Some(&start) = self.starts.get(p.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(p.line as usize + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line = &self.text[start..end];
        let content = line.trim_end_matches(['\n', '\r']);
        let mut units = 0usize;
        for (i, c) in content.char_indices() {
            if units >= p.character as usize {
                return start + i;
            }
            units += match self.encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        start + content.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf8_columns_and_all_line_breaks() {
        let text = "a\r\nbé😀c\rd\n";
        let u16 = Lines::new(text, Encoding::Utf16);
        let u8 = Lines::new(text, Encoding::Utf8);
        let c = text.find('c').unwrap();
        assert_eq!(u16.position(c), Position::new(1, 4));
        assert_eq!(u8.position(c), Position::new(1, 7));
        assert_eq!(u16.position(text.find('d').unwrap()), Position::new(2, 0));
        assert_eq!(u16.position(text.len()), Position::new(3, 0));
        for offset in [0, 1, 3, 4, c, text.find('d').unwrap(), text.len()] {
            assert_eq!(u16.offset(u16.position(offset)), offset);
            assert_eq!(u8.offset(u8.position(offset)), offset);
        }
        assert_eq!(
            u16.offset(Position::new(0, 99)),
            1,
            "past the end: line end"
        );
    }
}
