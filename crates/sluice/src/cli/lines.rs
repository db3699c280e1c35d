//! Lines from an async byte stream (stdin for `produce`), bounded in length, plus splitting a
//! line into key and value. Lines are raw bytes: no UTF-8 requirement; `\n` or `\r\n` ends one.
//! Stdin is read by a plain thread feeding a bounded channel (tokio's `io-std` is not enabled).

use super::error::{cli_error, Result};
use bytes::{Bytes, BytesMut};
use std::io::Read;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};
use tokio::sync::mpsc;

/// How much to ask the reader for at a time.
const READ_CHUNK_BYTES: usize = 64 * 1024;
/// Chunks the stdin thread may read ahead of the producer.
const STDIN_CHUNKS_QUEUED_MAX: usize = 16;

/// Stdin as an `AsyncRead`: a thread does the blocking reads and hands chunks over a channel.
/// The thread is never joined; it ends with the process or at end of input.
pub struct StdinReader {
    chunks: mpsc::Receiver<std::io::Result<Bytes>>,
    current: Bytes,
}

pub fn stdin_reader() -> StdinReader {
    let (tx, rx) = mpsc::channel(STDIN_CHUNKS_QUEUED_MAX);
    std::thread::spawn(move || read_stdin_into(tx));
    StdinReader {
        chunks: rx,
        current: Bytes::new(),
    }
}

fn read_stdin_into(tx: mpsc::Sender<std::io::Result<Bytes>>) {
    let mut stdin = std::io::stdin().lock();
    let mut chunk = vec![0u8; READ_CHUNK_BYTES];
    loop {
        let message = match stdin.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => Ok(Bytes::copy_from_slice(&chunk[..n])),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => Err(e),
        };
        let failed = message.is_err();
        if tx.blocking_send(message).is_err() || failed {
            return;
        }
    }
}

impl AsyncRead for StdinReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        while self.current.is_empty() {
            match self.chunks.poll_recv(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Err(e)),
                Poll::Ready(Some(Ok(chunk))) => self.current = chunk,
            }
        }
        let n = self.current.len().min(buf.remaining());
        buf.put_slice(&self.current.split_to(n));
        Poll::Ready(Ok(()))
    }
}

/// Splits a byte stream into lines. `next_line` is cancel safe: data read before a cancellation
/// stays in `pending` for the next call.
pub struct LineReader<R> {
    reader: R,
    pending: BytesMut,
    line_bytes_max: usize,
    eof: bool,
    line_number: u64,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    pub fn new(reader: R, line_bytes_max: usize) -> Self {
        LineReader {
            reader,
            pending: BytesMut::new(),
            line_bytes_max,
            eof: false,
            line_number: 0,
        }
    }

    /// The next line without its terminator, or `None` at end of input.
    pub async fn next_line(&mut self) -> Result<Option<Bytes>> {
        loop {
            if let Some(line) = self.take_line() {
                self.line_number += 1;
                return match line.len() > self.line_bytes_max {
                    true => Err(self.too_long(self.line_number)),
                    false => Ok(Some(line)),
                };
            }
            if self.eof {
                return Ok(None);
            }
            if self.pending.len() > self.line_bytes_max {
                return Err(self.too_long(self.line_number + 1));
            }
            self.pending.reserve(READ_CHUNK_BYTES);
            let read = self.reader.read_buf(&mut self.pending).await;
            let read = read.map_err(|e| cli_error!("reading input: {e}"))?;
            self.eof = read == 0;
        }
    }

    fn too_long(&self, line_number: u64) -> super::error::CliError {
        let max = self.line_bytes_max;
        cli_error!("line {line_number} is longer than {max} bytes")
    }

    /// A complete line from `pending`; at end of input, an unterminated last line also counts.
    fn take_line(&mut self) -> Option<Bytes> {
        let line = match self.pending.iter().position(|&b| b == b'\n') {
            Some(newline) => {
                let mut line = self.pending.split_to(newline + 1);
                line.truncate(newline);
                line
            }
            None if self.eof && !self.pending.is_empty() => self.pending.split(),
            None => return None,
        };
        Some(strip_carriage_return(line.freeze()))
    }
}

fn strip_carriage_return(mut line: Bytes) -> Bytes {
    if line.last() == Some(&b'\r') {
        line.truncate(line.len() - 1);
    }
    line
}

/// Groups lines into batches: at most `records_max` lines and `bytes_max` bytes (a single
/// longer line goes alone), and no waiting longer than `linger` once a batch has begun.
pub struct LineBatcher<R> {
    lines: LineReader<R>,
    /// A line that did not fit the previous batch.
    carry: Option<Bytes>,
    records_max: usize,
    bytes_max: usize,
    linger: Duration,
    lines_taken: u64,
}

impl<R: AsyncRead + Unpin> LineBatcher<R> {
    pub fn new(
        lines: LineReader<R>,
        records_max: usize,
        bytes_max: usize,
        linger: Duration,
    ) -> Self {
        assert!(records_max > 0, "a batch holds at least one line");
        LineBatcher {
            lines,
            carry: None,
            records_max,
            bytes_max,
            linger,
            lines_taken: 0,
        }
    }

    /// How many lines earlier batches held.
    pub fn lines_taken(&self) -> u64 {
        self.lines_taken
    }

    /// The next batch; waits as long as needed for its first line. Empty means end of input.
    pub async fn next_batch(&mut self) -> Result<Vec<Bytes>> {
        let first = match self.carry.take() {
            Some(line) => line,
            None => match self.lines.next_line().await? {
                Some(line) => line,
                None => return Ok(Vec::new()),
            },
        };
        let mut bytes = first.len();
        let mut batch = vec![first];
        let deadline = Instant::now() + self.linger;
        while batch.len() < self.records_max {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match tokio::time::timeout(left, self.lines.next_line()).await {
                Ok(Ok(Some(line))) => line,
                Ok(Ok(None)) | Err(_) => break,
                Ok(Err(e)) => return Err(e),
            };
            if bytes + line.len() > self.bytes_max {
                self.carry = Some(line);
                break;
            }
            bytes += line.len();
            batch.push(line);
        }
        self.lines_taken += batch.len() as u64;
        Ok(batch)
    }
}

/// Splits `line` at the first `separator` into `(key, value)`; `None` if it does not occur.
pub fn split_key(line: &Bytes, separator: &[u8]) -> Option<(Bytes, Bytes)> {
    if separator.is_empty() || line.len() < separator.len() {
        return None;
    }
    let at = line.windows(separator.len()).position(|w| w == separator)?;
    Some((line.slice(..at), line.slice(at + separator.len()..)))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn all_lines(input: &'static [u8], max: usize) -> Result<Vec<Bytes>> {
        let mut reader = LineReader::new(input, max);
        let mut lines = Vec::new();
        while let Some(line) = reader.next_line().await? {
            lines.push(line);
        }
        Ok(lines)
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(f)
    }

    /// Goal: terminators are stripped, empty lines kept, a last unterminated line kept;
    /// method: read a fixed input.
    #[test]
    fn lines_are_split_on_newlines() {
        let lines = block_on(all_lines(b"a\r\n\nb c\nlast", 100)).unwrap();
        assert_eq!(lines, vec!["a", "", "b c", "last"]);
        assert!(block_on(all_lines(b"", 100)).unwrap().is_empty());
    }

    /// Goal: an over-long line is refused rather than buffered without bound; method: a
    /// tiny limit.
    #[test]
    fn overlong_line_is_rejected() {
        let err = block_on(all_lines(b"ok\nthis one is far too long\n", 8)).unwrap_err();
        assert!(err.0.contains("line 2"), "{err}");
    }

    /// Goal: batches respect the record and byte bounds, and a line that does not fit opens the
    /// next batch; method: batch a fixed input with small limits.
    #[test]
    fn batches_are_bounded_in_records_and_bytes() {
        let input: &'static [u8] = b"aaaa\nbbbb\ncccc\ndddddddddddd\ne\nf\ng\n";
        let lines = LineReader::new(input, 100);
        let mut batcher = LineBatcher::new(lines, 3, 10, Duration::from_secs(5));
        let mut batches = Vec::new();
        block_on(async {
            loop {
                let batch = batcher.next_batch().await.unwrap();
                if batch.is_empty() {
                    break;
                }
                batches.push(batch);
            }
        });
        let expected: Vec<Vec<&str>> = vec![
            vec!["aaaa", "bbbb"],
            vec!["cccc"],
            vec!["dddddddddddd"],
            vec!["e", "f", "g"],
        ];
        assert_eq!(batches, expected);
        assert_eq!(batcher.lines_taken(), 7);
    }

    /// Goal: keys split at the first separator only; method: several separators and lines.
    #[test]
    fn key_splits_at_first_separator() {
        let line = Bytes::from_static(b"user-1::{\"a\"::1}");
        let (key, value) = split_key(&line, b"::").unwrap();
        assert_eq!((&key[..], &value[..]), (&b"user-1"[..], &b"{\"a\"::1}"[..]));
        let (key, value) = split_key(&Bytes::from_static(b"\tv"), b"\t").unwrap();
        assert_eq!((&key[..], &value[..]), (&b""[..], &b"v"[..]));
        assert_eq!(split_key(&Bytes::from_static(b"no separator"), b"\t"), None);
        assert_eq!(split_key(&Bytes::from_static(b"k"), b""), None);
    }
}
