//! UTF-16 and UTF-32 text: detected by the byte order mark, or without one by where the
//! zero bytes fall, and decoded to UTF-8 as a stream.

use std::io::{self, Read};

/// A text encoding with code units wider than a byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

/// What [`detect`] found: the encoding, and whether the text starts with a byte order
/// mark (which the decoder drops).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    pub wide: Wide,
    pub bom: bool,
}

impl Detected {
    /// As the run summary says it: `UTF-16LE (BOM), decoded to UTF-8`.
    pub fn describe(self) -> String {
        let bom = if self.bom { " (BOM)" } else { "" };
        format!("{}{bom}, decoded to UTF-8", self.wide.name())
    }
}

impl Wide {
    pub fn name(self) -> &'static str {
        match self {
            Wide::Utf16Le => "UTF-16LE",
            Wide::Utf16Be => "UTF-16BE",
            Wide::Utf32Le => "UTF-32LE",
            Wide::Utf32Be => "UTF-32BE",
        }
    }

    fn unit(self) -> usize {
        match self {
            Wide::Utf16Le | Wide::Utf16Be => 2,
            Wide::Utf32Le | Wide::Utf32Be => 4,
        }
    }

    fn read_unit(self, b: &[u8]) -> u32 {
        match self {
            Wide::Utf16Le => u32::from(u16::from_le_bytes([b[0], b[1]])),
            Wide::Utf16Be => u32::from(u16::from_be_bytes([b[0], b[1]])),
            Wide::Utf32Le => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            Wide::Utf32Be => u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        }
    }
}

/// How many bytes of a file [`detect`] wants to look at.
pub const DETECT_BYTES: usize = 64 * 1024;

/// The wide encoding of text starting with `head`, if it is one: by its byte order mark,
/// else by zero bytes (text that is mostly ASCII has a zero in every other byte in
/// UTF-16, three in four in UTF-32, and none in UTF-8 or Latin-1). Without a mark, the
/// head must also decode cleanly with no NUL or control characters other than
/// tab, line feed, form feed and carriage return, so binary data is not taken for text.
pub fn detect(head: &[u8]) -> Option<Detected> {
    let bom = |wide| Some(Detected { wide, bom: true });
    if head.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return bom(Wide::Utf32Le);
    }
    if head.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return bom(Wide::Utf32Be);
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return bom(Wide::Utf16Le);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return bom(Wide::Utf16Be);
    }
    if head.starts_with(b"PAR1") || head.starts_with(&[0x1f, 0x8b]) {
        return None;
    }
    let groups = head.len() / 4;
    if groups == 0 {
        return None;
    }
    let mut zeros = [0usize; 4];
    for group in head[..groups * 4].chunks_exact(4) {
        for (k, b) in group.iter().enumerate() {
            zeros[k] += usize::from(*b == 0);
        }
    }
    if zeros.iter().all(|&z| z == 0) {
        return None;
    }
    let most = |z: usize| z * 10 >= groups * 9;
    let few = |z: usize| z * 10 <= groups;
    let candidate = if zeros[3] == groups && most(zeros[2]) && few(zeros[0]) {
        Wide::Utf32Le
    } else if zeros[0] == groups && most(zeros[1]) && few(zeros[3]) {
        Wide::Utf32Be
    } else {
        let (even, odd) = (zeros[0] + zeros[2], zeros[1] + zeros[3]);
        let units = groups * 2;
        if odd * 10 >= units * 3 && even * 20 <= units {
            Wide::Utf16Le
        } else if even * 10 >= units * 3 && odd * 20 <= units {
            Wide::Utf16Be
        } else {
            return None;
        }
    };
    let cut = head.len() - head.len() % candidate.unit();
    let mut text = String::new();
    Decoder::new(&head[..cut], candidate)
        .lenient_end()
        .read_to_string(&mut text)
        .ok()?;
    let clean = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c'));
    clean.then_some(Detected {
        wide: candidate,
        bom: false,
    })
}

/// Streams UTF-16 or UTF-32 text as UTF-8, dropping a leading byte order mark. Invalid
/// text (a lone surrogate, a code point past U+10FFFF, a last character cut short) is
/// an error naming the byte offset.
pub struct Decoder<R> {
    inner: R,
    wide: Wide,
    /// Bytes read and not yet decoded (a unit or surrogate pair cut by a read).
    pending: Vec<u8>,
    /// Offset in the input of `pending[0]`.
    offset: u64,
    out: Vec<u8>,
    pos: usize,
    started: bool,
    done: bool,
    /// At the end, drop a cut last character instead of failing (for a head).
    lenient_end: bool,
}

impl<R: Read> Decoder<R> {
    pub fn new(inner: R, wide: Wide) -> Self {
        Decoder {
            inner,
            wide,
            pending: Vec::new(),
            offset: 0,
            out: Vec::new(),
            pos: 0,
            started: false,
            done: false,
            lenient_end: false,
        }
    }

    fn lenient_end(mut self) -> Self {
        self.lenient_end = true;
        self
    }

    fn invalid(&self, at: usize, what: &str) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "invalid {} text at byte {}: {what}",
                self.wide.name(),
                self.offset + at as u64
            ),
        )
    }

    fn fill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        let mut buf = vec![0u8; 64 * 1024];
        let n = self.inner.read(&mut buf)?;
        if n == 0 {
            self.done = true;
            if !self.pending.is_empty() && !self.lenient_end {
                return Err(self.invalid(0, "the text ends in the middle of a character"));
            }
            return Ok(());
        }
        self.pending.extend_from_slice(&buf[..n]);
        let unit = self.wide.unit();
        let mut at = 0;
        while at + unit <= self.pending.len() {
            let u = self.wide.read_unit(&self.pending[at..]);
            let (c, used) = if unit == 2 && (0xD800..0xDC00).contains(&u) {
                if at + 4 > self.pending.len() {
                    break;
                }
                let low = self.wide.read_unit(&self.pending[at + 2..]);
                if !(0xDC00..0xE000).contains(&low) {
                    return Err(self.invalid(at, "a high surrogate without its low half"));
                }
                (0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00), 4)
            } else {
                (u, unit)
            };
            let Some(ch) = char::from_u32(c) else {
                return Err(self.invalid(at, &format!("U+{c:04X} is not a character")));
            };
            // A byte order mark at the start is dropped.
            if self.started || ch != '\u{feff}' {
                let mut tmp = [0u8; 4];
                self.out
                    .extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
            }
            self.started = true;
            at += used;
        }
        self.pending.drain(..at);
        self.offset += at as u64;
        Ok(())
    }
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name,city\nJosé,Straße\n日本,東京\n😀,x\n";

    fn encode(text: &str, wide: Wide, bom: bool) -> Vec<u8> {
        let s = if bom {
            format!("\u{feff}{text}")
        } else {
            text.to_string()
        };
        let mut out = Vec::new();
        match wide {
            Wide::Utf16Le | Wide::Utf16Be => {
                for u in s.encode_utf16() {
                    out.extend(if wide == Wide::Utf16Le {
                        u.to_le_bytes()
                    } else {
                        u.to_be_bytes()
                    });
                }
            }
            Wide::Utf32Le | Wide::Utf32Be => {
                for c in s.chars() {
                    out.extend(if wide == Wide::Utf32Le {
                        (c as u32).to_le_bytes()
                    } else {
                        (c as u32).to_be_bytes()
                    });
                }
            }
        }
        out
    }

    #[test]
    fn every_wide_encoding_is_detected_and_decoded() {
        for wide in [Wide::Utf16Le, Wide::Utf16Be, Wide::Utf32Le, Wide::Utf32Be] {
            for bom in [true, false] {
                let bytes = encode(TEXT, wide, bom);
                assert_eq!(
                    detect(&bytes),
                    Some(Detected { wide, bom }),
                    "{wide:?} {bom}"
                );
                let mut s = String::new();
                // One byte at a time: units and surrogate pairs cut by reads.
                let slow = io::BufReader::with_capacity(1, &bytes[..]);
                Decoder::new(slow, wide).read_to_string(&mut s).unwrap();
                assert_eq!(s, TEXT, "{wide:?} {bom}");
            }
        }
    }

    #[test]
    fn utf8_latin1_and_binary_are_not_wide() {
        assert_eq!(detect(TEXT.as_bytes()), None);
        assert_eq!(detect(b"Jos\xe9;M\xfcller\n"), None);
        assert_eq!(detect(b"PAR1\0\0\0\0\x15\0\x15\0"), None);
        assert_eq!(detect(&[0u8; 64]), None);
        assert_eq!(detect(&[1, 0, 2, 0, 3, 0, 4, 0]), None);
        assert_eq!(detect(b"a"), None);
    }

    #[test]
    fn invalid_text_names_the_byte() {
        let mut bytes = encode("ab", Wide::Utf16Le, false);
        bytes.extend([0x00, 0xD8, b'c', 0]);
        let err = Decoder::new(&bytes[..], Wide::Utf16Le)
            .read_to_string(&mut String::new())
            .unwrap_err();
        assert!(err.to_string().contains("UTF-16LE text at byte 4"), "{err}");
        let mut bytes = encode("ab", Wide::Utf32Be, false);
        bytes.push(0);
        let err = Decoder::new(&bytes[..], Wide::Utf32Be)
            .read_to_string(&mut String::new())
            .unwrap_err();
        assert!(err.to_string().contains("middle of a character"), "{err}");
    }
}
