//! Delimiters followed by spaces (`a, b, "c, d"`): the spaces after each delimiter
//! outside quoted fields are dropped, so that the text parses as plain delimited text
//! (a quote after `, ` opens a quoted field again) and the values do not start with a
//! space. The sniffer finds such files; the row scanner drops the spaces as it reads.

use super::sniff::Escape;

/// At least this share of the delimiters outside quotes must be followed by a space.
const SHARE: f64 = 0.95;
/// And at least this many of them, so that a few lines of prose are not taken for it.
const MIN_DELIMITERS: usize = 4;

/// Where the dropping stands between two chunks of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field: after a delimiter (`true`) or a line break.
    FieldStart(bool),
    Unquoted,
    Quoted,
    /// After a backslash inside a quoted field (backslash escapes).
    Escaped,
    /// After a quote inside a quoted field: `""` or the end of the field.
    QuoteInQuoted,
}

/// Drops the spaces after delimiters outside quoted fields, chunk by chunk.
#[derive(Debug, Clone, Copy)]
pub struct SpaceDropper {
    delimiter: u8,
    quote: Option<u8>,
    escape: Escape,
    state: State,
}

impl SpaceDropper {
    pub fn new(delimiter: u8, quote: Option<u8>, escape: Escape) -> Self {
        SpaceDropper {
            delimiter,
            quote,
            escape,
            state: State::FieldStart(false),
        }
    }

    /// Whether `b` is kept, moving on past it.
    fn keep(&mut self, b: u8) -> bool {
        let line_end = b == b'\n' || b == b'\r';
        let is_quote = Some(b) == self.quote;
        self.state = match self.state {
            State::FieldStart(true) if b == b' ' => return false,
            State::FieldStart(_) | State::Unquoted if b == self.delimiter => {
                State::FieldStart(true)
            }
            State::FieldStart(_) | State::Unquoted if line_end => State::FieldStart(false),
            State::FieldStart(_) if is_quote => State::Quoted,
            State::FieldStart(_) | State::Unquoted => State::Unquoted,
            State::Quoted if is_quote => State::QuoteInQuoted,
            State::Quoted if b == b'\\' && self.escape == Escape::Backslash => State::Escaped,
            State::Quoted | State::Escaped => State::Quoted,
            State::QuoteInQuoted if is_quote && self.escape != Escape::None => State::Quoted,
            State::QuoteInQuoted if b == self.delimiter => State::FieldStart(true),
            State::QuoteInQuoted if line_end => State::FieldStart(false),
            State::QuoteInQuoted => State::Unquoted,
        };
        true
    }

    /// Drop the spaces from `buf` in place; returns the length kept.
    pub fn drop_spaces(&mut self, buf: &mut [u8]) -> usize {
        let mut kept = 0;
        for i in 0..buf.len() {
            let b = buf[i];
            if self.keep(b) {
                buf[kept] = b;
                kept += 1;
            }
        }
        kept
    }

    /// `text` without the spaces.
    pub fn drop_spaces_in(mut self, text: &str) -> String {
        let mut bytes = text.as_bytes().to_vec();
        let n = self.drop_spaces(&mut bytes);
        bytes.truncate(n);
        // Only ASCII spaces are removed, so the text stays valid UTF-8.
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
    }
}

/// The delimiter that is nearly always followed by a space outside quoted fields
/// (`, ` or `; `), if any, with the share of its occurrences that are.
pub fn spaced_delimiter(text: &str, candidates: &[u8], quote: Option<u8>) -> Option<u8> {
    candidates.iter().copied().find(|&d| {
        let (mut total, mut spaced) = (0usize, 0usize);
        let mut state = SpaceDropper::new(d, quote, Escape::Doubled);
        let bytes = text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let outside = matches!(state.state, State::FieldStart(_) | State::Unquoted);
            state.keep(b);
            if outside && b == d {
                total += 1;
                spaced += usize::from(bytes.get(i + 1) == Some(&b' '));
            }
        }
        total >= MIN_DELIMITERS && spaced as f64 >= SHARE * total as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_after_delimiters_go_and_quotes_open_again() {
        let text = "a, b, c\n1, \"x, y\", 3\n\"q \"\"z\"\", w\",  5, 6\n";
        let d = SpaceDropper::new(b',', Some(b'"'), Escape::Doubled);
        assert_eq!(
            d.drop_spaces_in(text),
            "a,b,c\n1,\"x, y\",3\n\"q \"\"z\"\", w\",5,6\n"
        );
    }

    #[test]
    fn chunks_agree_with_the_whole() {
        let text = b"a, b\n\"1, 2\", 3\n4,  5\n";
        let mut whole = text.to_vec();
        let n = SpaceDropper::new(b',', Some(b'"'), Escape::Doubled).drop_spaces(&mut whole);
        whole.truncate(n);
        let mut d = SpaceDropper::new(b',', Some(b'"'), Escape::Doubled);
        let mut pieces = Vec::new();
        for chunk in text.chunks(3) {
            let mut c = chunk.to_vec();
            let n = d.drop_spaces(&mut c);
            pieces.extend_from_slice(&c[..n]);
        }
        assert_eq!(pieces, whole);
        assert_eq!(whole, b"a,b\n\"1, 2\",3\n4,5\n");
    }

    #[test]
    fn only_a_delimiter_nearly_always_followed_by_a_space_counts() {
        let spaced = "a, b, c\n1, 2, 3\n4, \"5,6\", 7\n";
        assert_eq!(spaced_delimiter(spaced, b",;", Some(b'"')), Some(b','));
        let plain = "a,b,c\n1, 2,3\n4,5,6\n";
        assert_eq!(spaced_delimiter(plain, b",;", Some(b'"')), None);
        // Prose with a comma or two is not a table.
        assert_eq!(spaced_delimiter("Hello, world\n", b",", Some(b'"')), None);
    }
}
