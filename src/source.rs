//! A configuration file as read from disk: original bytes, decoded text, encoding, line
//! endings, a line index, and the mapping from text offsets back to original byte offsets.
//!
//! Everything downstream works on the decoded `text` and on [`Span`]s into it. Only this
//! module knows how a text offset maps back to the bytes on disk, which is what JSON output
//! (`byte_offset`) and `--fix` (splicing the original bytes) need.

use std::path::{Path, PathBuf};

/// A half-open byte range `start..end` into a [`SourceFile`]'s decoded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// An empty span at `at`: the place where an insertion goes.
    pub fn empty(at: usize) -> Self {
        Span { start: at, end: at }
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span that covers both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A file's number in a run: given once, when the run's files are listed, and kept by
/// every arena that holds the file.
pub type FileId = usize;

/// Replace `span` of `file` (text offsets) by `replacement`; an empty span inserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub file: FileId,
    pub span: Span,
    pub replacement: String,
}

/// How the file's bytes are encoded on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
    Utf16BeBom,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16LeBom => "UTF-16LE with BOM",
            Encoding::Utf16BeBom => "UTF-16BE with BOM",
        }
    }

    fn bom_len(self) -> usize {
        match self {
            Encoding::Utf8 => 0,
            Encoding::Utf8Bom => 3,
            Encoding::Utf16LeBom | Encoding::Utf16BeBom => 2,
        }
    }

    /// Encodes `text` as this encoding would store it (without a BOM).
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom => text.as_bytes().to_vec(),
            // encoding_rs cannot write UTF-16 (it is decode-only for it), so encode by hand.
            Encoding::Utf16LeBom => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            Encoding::Utf16BeBom => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        }
    }
}

/// The dominant line ending of a file, used when we insert a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    Crlf,
}

impl LineEnding {
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::Crlf => "\r\n",
        }
    }
}

/// One configuration file, read once.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as given (relative stays relative); used in every output.
    pub path: PathBuf,
    /// The bytes as read from disk, when they differ from `text` (a BOM, UTF-16, invalid
    /// UTF-8); otherwise `text` is the bytes and nothing is stored twice.
    raw: Option<Vec<u8>>,
    /// The decoded text. Invalid UTF-8 bytes are replaced one-for-one by `?` so that text
    /// offsets equal original offsets (minus the BOM); see `invalid_bytes`.
    pub text: String,
    pub encoding: Encoding,
    pub line_ending: LineEnding,
    /// Text offsets of bytes that were not valid UTF-8 (each replaced by `?`).
    pub invalid_bytes: Vec<usize>,
    /// True when decoding lost information (odd-length or unpaired UTF-16).
    pub lossy: bool,
    /// Spans of secret values (passwords, tokens), registered by the format parser. Every
    /// output masks them.
    pub secrets: Vec<Span>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Decodes `bytes` read from `path`. Never fails: undecodable input is kept as lossily
    /// as needed and flagged.
    pub fn new(path: impl Into<PathBuf>, bytes: Vec<u8>) -> SourceFile {
        // The common case, plain valid UTF-8: the bytes become the text without a copy.
        let (encoding, text, invalid_bytes, lossy, raw) = if !bytes.starts_with(&[0xEF, 0xBB, 0xBF])
            && !bytes.starts_with(&[0xFF, 0xFE])
            && !bytes.starts_with(&[0xFE, 0xFF])
        {
            match String::from_utf8(bytes) {
                Ok(text) => (Encoding::Utf8, text, Vec::new(), false, None),
                Err(e) => {
                    let bytes = e.into_bytes();
                    let (encoding, text, invalid, lossy) = decode(&bytes);
                    (encoding, text, invalid, lossy, Some(bytes))
                }
            }
        } else {
            let (encoding, text, invalid, lossy) = decode(&bytes);
            (encoding, text, invalid, lossy, Some(bytes))
        };
        let (line_starts, line_ending) = index_lines(&text);
        SourceFile {
            path: path.into(),
            raw,
            text,
            encoding,
            line_ending,
            invalid_bytes,
            lossy,
            secrets: Vec::new(),
            line_starts,
        }
    }

    /// The bytes as read from disk.
    pub fn bytes(&self) -> &[u8] {
        self.raw.as_deref().unwrap_or(self.text.as_bytes())
    }

    pub fn display_path(&self) -> String {
        self.path.display().to_string()
    }

    /// The file name as written ("user.js"), for messages; "" when there is none.
    pub fn short_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// The file name, lower-cased, or "" when there is none.
    pub fn file_name_lower(&self) -> String {
        file_name_lower(&self.path)
    }

    /// The text of a span ("" if the span is out of range or splits a character).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// 1-based line and 1-based column (in Unicode scalar values) of a text offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp_to_char_boundary(offset);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line + 1, column + 1)
    }

    /// Start offset of the line holding `offset`.
    pub fn line_start(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => self.line_starts.get(i).copied().unwrap_or(0),
            Err(i) => self
                .line_starts
                .get(i.saturating_sub(1))
                .copied()
                .unwrap_or(0),
        }
    }

    /// Offset just after the line ending of the line holding `offset` (or the end of text).
    pub fn next_line_start(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => self.line_starts.get(i + 1).copied(),
            Err(i) => self.line_starts.get(i).copied(),
        }
        .unwrap_or(self.text.len())
    }

    /// The largest char boundary at or before `offset`, within the text.
    pub fn clamp_to_char_boundary(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// Maps a text offset to the offset of the same place in the original bytes.
    pub fn original_offset(&self, offset: usize) -> usize {
        let offset = self.clamp_to_char_boundary(offset);
        let bom = self.encoding.bom_len();
        match self.encoding {
            Encoding::Utf8 | Encoding::Utf8Bom => bom + offset,
            Encoding::Utf16LeBom | Encoding::Utf16BeBom => {
                let units: usize = self
                    .text
                    .get(..offset)
                    .map(|s| s.chars().map(char::len_utf16).sum())
                    .unwrap_or(0);
                bom + 2 * units
            }
        }
    }

    /// Maps a text span to the original byte range.
    pub fn original_span(&self, span: Span) -> Span {
        Span::new(
            self.original_offset(span.start),
            self.original_offset(span.end),
        )
    }

    /// The text as it may be shown: every secret span replaced byte for byte by `*`, and
    /// every character that could act on a terminal by `?` ([`crate::escape::source_text`]).
    /// Lengths, offsets and line ends are unchanged, so spans drawn on it still point at
    /// the right place.
    pub fn masked_text(&self) -> String {
        crate::escape::source_text(mask_spans(&self.text, &self.secrets))
    }

    /// True when `span` overlaps a byte that was not valid UTF-8.
    pub fn has_invalid_bytes_in(&self, span: Span) -> bool {
        let i = self.invalid_bytes.partition_point(|&b| b < span.start);
        self.invalid_bytes
            .get(i)
            .map(|&b| b < span.end)
            .unwrap_or(false)
    }
}

/// Replaces every byte of each span by `*`, keeping the text valid UTF-8, its length and its
/// line structure: a line end inside a secret stays a line end, so what follows is drawn on
/// its own line.
pub fn mask_spans(text: &str, spans: &[Span]) -> String {
    if spans.is_empty() {
        return text.to_owned();
    }
    let mut bytes = text.as_bytes().to_vec();
    for span in spans {
        // Widen to char boundaries so no multi-byte character is half-replaced.
        let mut start = span.start.min(text.len());
        while start > 0 && !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = span.end.min(text.len());
        while end < text.len() && !text.is_char_boundary(end) {
            end += 1;
        }
        for b in bytes.iter_mut().take(end).skip(start) {
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The largest file clientlint reads, in bytes. Real client configurations are far
/// smaller (a 10,000-site sitemanager.xml is about 5 MB); the cap keeps memory bounded
/// when a tree holds a huge or hostile file under a configuration file's name.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Why a configuration file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A FIFO, socket or device: reading one can block forever or never end.
    #[error("not a regular file")]
    NotRegular,
    #[error(
        "the file is {} MiB, over clientlint's {} MiB limit for a configuration file; skipped",
        .size.div_ceil(1024 * 1024),
        .limit / (1024 * 1024)
    )]
    TooLarge { size: u64, limit: u64 },
    /// The path, or a link on it, leads out of the tree the run was given.
    #[error("it leads out of the tree clientlint was given; not followed")]
    Outside,
    /// A `/proc`, `/sys` or device file: this machine's state, never configuration.
    #[error("it is a file of /proc, /sys or /dev; never read")]
    Pseudo,
}

impl ReadError {
    /// True when the file simply does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Reads a configuration file, refusing anything that is not a regular file and anything
/// over [`MAX_FILE_BYTES`]. On Unix the file is opened non-blocking and checked through
/// its own handle, so a FIFO swapped in after a `stat` still cannot make the open or the
/// read wait for a writer. (Runs read through [`crate::tree::Tree::read`], which also
/// keeps them inside the trees they were given.)
pub fn read_config_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    let (file, len) = open_regular(path)?;
    read_whole(file, len)
}

/// Reads an open regular file of `len` bytes (by its metadata) whole, up to the cap.
pub(crate) fn read_whole(mut file: std::fs::File, len: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read as _;
    if len > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            size: len,
            limit: MAX_FILE_BYTES,
        });
    }
    // The bytes the stat announced, read in one call (std's `read_to_end` reads 8 KiB
    // first, so a 20 KB prefs.js took three reads), then one more that must find the end.
    let mut bytes = read_up_to(&mut file, len)?;
    if (bytes.len() as u64) < len {
        return Ok(bytes); // The end came early: the file shrank since the stat.
    }
    // The file may grow between the stat and the read: read one byte past the limit at
    // most, so memory stays bounded either way.
    file.take(MAX_FILE_BYTES + 1 - len)
        .read_to_end(&mut bytes)?;
    let size = bytes.len() as u64;
    if size > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            size,
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(bytes)
}

/// Reads at most the first `len` bytes of an open regular file of `size` bytes.
pub(crate) fn read_head(
    mut file: std::fs::File,
    size: u64,
    len: u64,
) -> Result<Vec<u8>, ReadError> {
    // What the stat announced, in one call: a head needs no search for the end (std's
    // `read_to_end` took up to three reads per sniffed file). A file that says it is empty
    // may not be (some file systems do not know sizes): that one is read to see.
    if size == 0 {
        use std::io::Read as _;
        let mut bytes = Vec::new();
        file.take(len).read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    Ok(read_up_to(&mut file, size.min(len))?)
}

/// Reads `len` bytes from `file`, fewer when its end comes first.
fn read_up_to(file: &mut std::fs::File, len: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = vec![0; usize::try_from(len).unwrap_or(0)];
    let mut filled = 0;
    while let Some(rest) = bytes.get_mut(filled..).filter(|r| !r.is_empty()) {
        match file.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}

fn open_regular(path: &Path) -> Result<(std::fs::File, u64), ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    Ok((file, meta.len()))
}

pub fn file_name_lower(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn decode(bytes: &[u8]) -> (Encoding, String, Vec<usize>, bool) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        let (text, invalid) = decode_utf8_one_for_one(rest);
        return (Encoding::Utf8Bom, text, invalid, false);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let (text, lossy) = decode_utf16(rest, u16::from_le_bytes);
        return (Encoding::Utf16LeBom, text, Vec::new(), lossy);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let (text, lossy) = decode_utf16(rest, u16::from_be_bytes);
        return (Encoding::Utf16BeBom, text, Vec::new(), lossy);
    }
    let (text, invalid) = decode_utf8_one_for_one(bytes);
    (Encoding::Utf8, text, invalid, false)
}

/// UTF-16 without a byte-order mark ("UTF-16LE" or "UTF-16BE"), when the bytes say so
/// beyond doubt: an even length, and in (up to) the first 512 code units nearly every high
/// byte NUL and nearly no low byte NUL — the shape of mostly-ASCII text in UTF-16, which
/// UTF-8 text never has. Such a file is read as UTF-8 (what Windows' readers do with it,
/// ANSI, is the client's to say).
pub fn utf16_without_bom(bytes: &[u8]) -> Option<&'static str> {
    let bom = [&[0xFF, 0xFE][..], &[0xFE, 0xFF], &[0xEF, 0xBB, 0xBF]];
    if bytes.len() < 4 || bytes.len() % 2 != 0 || bom.iter().any(|b| bytes.starts_with(b)) {
        return None;
    }
    let sample = bytes.get(..bytes.len().min(1024)).unwrap_or(bytes);
    memchr::memchr(0, sample)?;
    let pairs = sample.len() / 2;
    let (mut even_nul, mut odd_nul) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even_nul += usize::from(pair.first() == Some(&0));
        odd_nul += usize::from(pair.get(1) == Some(&0));
    }
    let most = (pairs * 9 / 10).max(1);
    let few = pairs / 10;
    if odd_nul >= most && even_nul <= few {
        Some("UTF-16LE")
    } else if even_nul >= most && odd_nul <= few {
        Some("UTF-16BE")
    } else {
        None
    }
}

/// Decodes UTF-8, replacing each invalid byte by `?` so offsets stay one-for-one.
fn decode_utf8_one_for_one(bytes: &[u8]) -> (String, Vec<usize>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), Vec::new()),
        Err(_) => {
            let mut text = String::with_capacity(bytes.len());
            let mut invalid = Vec::new();
            let mut rest = bytes;
            let mut offset = 0;
            while !rest.is_empty() {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        text.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let valid = e.valid_up_to();
                        text.push_str(std::str::from_utf8(&rest[..valid]).unwrap_or_default());
                        let bad = e.error_len().unwrap_or(rest.len() - valid).max(1);
                        for i in 0..bad {
                            invalid.push(offset + valid + i);
                            text.push('?');
                        }
                        offset += valid + bad;
                        rest = rest.get(valid + bad..).unwrap_or_default();
                    }
                }
            }
            (text, invalid)
        }
    }
}

fn decode_utf16(bytes: &[u8], to_u16: fn([u8; 2]) -> u16) -> (String, bool) {
    let odd = bytes.len() % 2 == 1;
    let units = bytes.chunks_exact(2).map(|c| to_u16([c[0], c[1]]));
    let mut lossy = odd;
    let text: String = char::decode_utf16(units)
        .map(|r| {
            r.unwrap_or_else(|_| {
                lossy = true;
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    (text, lossy)
}

/// Line starts and the dominant line ending, in one pass. `\n`, `\r\n` and a lone `\r`
/// each end a line (as in the prefs grammar). Line feeds are found with memchr's
/// vectorised search (several times faster per line than the standard library's
/// word-at-a-time one on lines of a few dozen bytes); carriage returns are looked at
/// only in files that have any.
fn index_lines(text: &str) -> (Vec<usize>, LineEnding) {
    let bytes = text.as_bytes();
    let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
    starts.push(0);
    let has_cr = memchr::memchr(b'\r', bytes).is_some();
    let mut lf = 0usize;
    let mut crlf = 0usize;
    if !has_cr {
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        lf = starts.len() - 1;
    } else {
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'\n' => {
                    lf += 1;
                    if i > 0 && bytes.get(i - 1) == Some(&b'\r') {
                        crlf += 1;
                    }
                    starts.push(i + 1);
                }
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
        }
    }
    let ending = if crlf > 0 && crlf * 2 >= lf {
        LineEnding::Crlf
    } else {
        LineEnding::Lf
    };
    (starts, ending)
}

/// Files by their run-wide [`FileId`]: a whole run's files, or only one unit's (ids stay
/// those of the run, so nothing built from a unit's files is ever renumbered).
#[derive(Debug, Default, Clone)]
pub struct Files {
    /// Sorted by id.
    files: Vec<(FileId, SourceFile)>,
    /// Path → id, so lookups stay constant-time in runs over thousands of files.
    by_path: foldhash::HashMap<PathBuf, FileId>,
}

impl Files {
    /// Adds a file under the next free id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = self.files.last().map(|(id, _)| id + 1).unwrap_or(0);
        self.insert(id, file);
        id
    }

    /// Adds a file under the id the run gave it, replacing a file of that id.
    pub fn insert(&mut self, id: FileId, file: SourceFile) {
        self.by_path.entry(file.path.clone()).or_insert(id);
        match self.files.binary_search_by_key(&id, |(i, _)| *i) {
            Ok(at) => {
                if let Some(slot) = self.files.get_mut(at) {
                    slot.1 = file;
                }
            }
            Err(at) => self.files.insert(at, (id, file)),
        }
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        let at = self.files.binary_search_by_key(&id, |(i, _)| *i).ok()?;
        self.files.get(at).map(|(_, f)| f)
    }

    pub fn get_mut(&mut self, id: FileId) -> Option<&mut SourceFile> {
        let at = self.files.binary_search_by_key(&id, |(i, _)| *i).ok()?;
        self.files.get_mut(at).map(|(_, f)| f)
    }

    /// Every file with its id, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().map(|(id, f)| (*id, f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file with this path, if it was read in this run.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    /// Takes in another arena's files (a unit's, into a whole run's); a file whose id is
    /// already here keeps the first copy.
    pub fn extend(&mut self, other: Files) {
        for (id, file) in other.files {
            if self.get(id).is_none() {
                self.insert(id, file);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{read_head, read_whole, Encoding, LineEnding, SourceFile, Span};

    /// A file of `len` bytes that are not all alike, open for reading, and its bytes.
    fn file_of(dir: &std::path::Path, len: usize) -> (std::fs::File, Vec<u8>) {
        let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let path = dir.join(format!("f{len}"));
        std::fs::write(&path, &bytes).expect("write");
        (std::fs::File::open(&path).expect("open"), bytes)
    }

    #[test]
    fn whole_files_and_heads_are_read_exactly_whatever_the_stat_said() {
        let dir = tempfile::tempdir().expect("tempdir");
        for len in [0, 1, 8191, 8192, 8193, 20_023, 70_000] {
            let (file, bytes) = file_of(dir.path(), len);
            assert_eq!(read_whole(file, len as u64).expect("read"), bytes, "{len}");
            // A file that grew (or shrank) since its stat is read to its real end.
            for said in [len.saturating_sub(100), len / 2, len + 100] {
                let (file, bytes) = file_of(dir.path(), len);
                assert_eq!(
                    read_whole(file, said as u64).expect("read"),
                    bytes,
                    "{len} {said}"
                );
            }
            let (file, bytes) = file_of(dir.path(), len);
            let head = read_head(file, len as u64, 8192).expect("head");
            assert_eq!(head, bytes.get(..len.min(8192)).expect("prefix"), "{len}");
            // A size of 0 may be a file system that does not know it: the head is read.
            let (file, bytes) = file_of(dir.path(), len);
            let head = read_head(file, 0, 8192).expect("head");
            assert_eq!(head, bytes.get(..len.min(8192)).expect("prefix"), "{len}");
        }
    }

    #[test]
    fn utf8_bom_offsets_shift_by_three() {
        let f = SourceFile::new("a", b"\xEF\xBB\xBFab\ncd".to_vec());
        assert_eq!(f.encoding, Encoding::Utf8Bom);
        assert_eq!(f.text, "ab\ncd");
        assert_eq!(f.original_offset(3), 6);
        assert_eq!(f.line_col(4), (2, 2));
    }

    #[test]
    fn utf16le_offsets_map_back_to_code_units() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("aé\r\nz".encode_utf16().flat_map(u16::to_le_bytes));
        let f = SourceFile::new("r.reg", bytes);
        assert_eq!(f.encoding, Encoding::Utf16LeBom);
        assert_eq!(f.line_ending, LineEnding::Crlf);
        // 'z' is at text offset 5 (a=1, é=2, \r\n=2) and code unit 4.
        assert_eq!(f.original_offset(5), 2 + 2 * 4);
        assert_eq!(Encoding::Utf16LeBom.encode("z"), vec![b'z', 0]);
    }

    #[test]
    fn utf16_without_bom_is_told_and_utf8_is_not_taken_for_it() {
        use super::utf16_without_bom;
        let le: Vec<u8> = "[Account1]\r\nIMAPPort=143\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(utf16_without_bom(&le), Some("UTF-16LE"));
        let be: Vec<u8> = "[A]\r\nx=1\r\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(utf16_without_bom(&be), Some("UTF-16BE"));
        let with_bom: Vec<u8> = [0xFF, 0xFE].into_iter().chain(le.iter().copied()).collect();
        assert_eq!(utf16_without_bom(&with_bom), None);
        for utf8 in ["[A]\r\nx=1\r\n", "ab", "é=1\n"] {
            assert_eq!(utf16_without_bom(utf8.as_bytes()), None, "{utf8:?}");
        }
    }

    #[test]
    fn invalid_utf8_is_replaced_one_for_one() {
        let f = SourceFile::new("p", b"// \x82\xa0\nx".to_vec());
        assert_eq!(f.text.len(), f.bytes().len());
        assert_eq!(f.invalid_bytes, vec![3, 4]);
        assert!(f.has_invalid_bytes_in(Span::new(0, 4)));
        assert!(!f.has_invalid_bytes_in(Span::new(5, 7)));
    }

    #[test]
    fn masking_keeps_length_and_char_boundaries() {
        let mut f = SourceFile::new("p", "pw=\"héllo\";".as_bytes().to_vec());
        f.secrets.push(Span::new(4, 10));
        let masked = f.masked_text();
        assert_eq!(masked.len(), f.text.len());
        assert_eq!(masked, "pw=\"******\";");
    }

    #[test]
    fn lone_cr_ends_a_line() {
        let f = SourceFile::new("p", b"a\rb\r\nc".to_vec());
        assert_eq!(f.line_col(2), (2, 1));
        assert_eq!(f.line_col(5), (3, 1));
    }
}
