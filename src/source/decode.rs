//! Byte sources: gzip and text encodings, turned into a UTF-8 byte stream.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

/// The text encoding of a delimited file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf8,
    /// ISO-8859-1: every byte is the code point of the same number.
    Latin1,
    Windows1252,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Latin1 => "Latin-1",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

impl std::str::FromStr for Encoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().replace(['_', ' '], "-").as_str() {
            "utf8" | "utf-8" => Ok(Encoding::Utf8),
            "latin1" | "latin-1" | "iso-8859-1" | "iso8859-1" => Ok(Encoding::Latin1),
            "windows-1252" | "cp1252" | "windows1252" => Ok(Encoding::Windows1252),
            other => Err(format!(
                "unknown encoding \"{other}\"; use utf8, latin1 or windows-1252"
            )),
        }
    }
}

/// Whether the file starts with the gzip magic bytes.
pub fn is_gzip(path: &Path) -> io::Result<bool> {
    let mut f = File::open(path)?;
    let mut magic = [0u8; 2];
    let n = f.read(&mut magic)?;
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

/// Open `path` as a stream of UTF-8 bytes: gunzipped when `gzip`, transcoded from
/// `encoding`.
pub fn open_utf8(path: &Path, gzip: bool, encoding: Encoding) -> io::Result<Box<dyn Read + Send>> {
    let file = BufReader::with_capacity(1 << 20, File::open(path)?);
    let raw: Box<dyn Read + Send> = if gzip {
        Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::read::MultiGzDecoder::new(file),
        ))
    } else {
        Box::new(file)
    };
    Ok(match encoding {
        Encoding::Utf8 => raw,
        enc => Box::new(Transcoder::new(raw, enc)),
    })
}

/// Streams single-byte-encoded text as UTF-8.
pub struct Transcoder<R> {
    inner: R,
    encoding: Encoding,
    decoder: encoding_rs::Decoder,
    inbuf: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read> Transcoder<R> {
    pub fn new(inner: R, encoding: Encoding) -> Self {
        Transcoder {
            inner,
            encoding,
            decoder: encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling(),
            inbuf: vec![0; 64 * 1024],
            out: Vec::with_capacity(3 * 64 * 1024),
            pos: 0,
            done: false,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        let n = self.inner.read(&mut self.inbuf)?;
        let input = &self.inbuf[..n];
        match self.encoding {
            Encoding::Latin1 => {
                for &b in input {
                    if b < 0x80 {
                        self.out.push(b);
                    } else {
                        let mut tmp = [0u8; 4];
                        self.out
                            .extend_from_slice(char::from(b).encode_utf8(&mut tmp).as_bytes());
                    }
                }
            }
            _ => {
                let last = n == 0;
                let needed = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16);
                self.out.resize(needed, 0);
                let (_, _, written, _) = self.decoder.decode_to_utf8(input, &mut self.out, last);
                self.out.truncate(written);
            }
        }
        if n == 0 {
            self.done = true;
        }
        Ok(())
    }
}

impl<R: Read> Read for Transcoder<R> {
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

/// Read up to `limit` bytes; returns the bytes and whether more followed.
pub fn read_prefix(r: &mut dyn Read, limit: usize) -> io::Result<(Vec<u8>, bool)> {
    let mut buf = Vec::with_capacity(limit.min(1 << 20));
    r.take(limit as u64 + 1).read_to_end(&mut buf)?;
    let truncated = buf.len() > limit;
    buf.truncate(limit);
    Ok((buf, truncated))
}

/// Validate UTF-8 in a prefix; on error, the 1-based line and the byte offset in it.
/// An incomplete character cut at the end of a truncated prefix is not an error: the
/// valid part is returned.
pub fn check_utf8(bytes: &[u8], truncated: bool) -> Result<&str, (u64, usize)> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) if truncated && e.error_len().is_none() => {
            // Cut mid-character at the end of the prefix.
            Ok(std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default())
        }
        Err(e) => {
            let upto = &bytes[..e.valid_up_to()];
            let line = upto.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let line_start = upto.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            Err((line, e.valid_up_to() - line_start + 1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_and_cp1252_transcode() {
        let bytes = b"Jos\xe9;M\xfcller;\x80".to_vec();
        let mut s = String::new();
        Transcoder::new(&bytes[..], Encoding::Latin1)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "José;Müller;\u{80}");
        let mut s = String::new();
        Transcoder::new(&bytes[..], Encoding::Windows1252)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "José;Müller;€");
    }

    #[test]
    fn utf8_errors_name_the_line() {
        assert_eq!(check_utf8(b"a,b\n1,2\nx\xff,3\n", false), Err((3, 2)));
        assert!(check_utf8("é".as_bytes().split_at(1).0, true).is_ok());
        assert!(check_utf8("é".as_bytes().split_at(1).0, false).is_err());
    }

    #[test]
    fn encoding_names() {
        assert_eq!("LATIN1".parse::<Encoding>(), Ok(Encoding::Latin1));
        assert_eq!("cp1252".parse::<Encoding>(), Ok(Encoding::Windows1252));
        assert!("ebcdic".parse::<Encoding>().is_err());
    }
}
