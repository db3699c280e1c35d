//! Response to bytes, without copying record data. A response is encoded by kafka-protocol into
//! a `GatherBuf`, which collects ordinary fields into small buffers and splices record data in
//! as file ranges: a Fetch handler gives each partition's records as a placeholder `Bytes`
//! pointing into `placeholder()` (never read) and queues the matching `FileSlice`; when the
//! encoder writes a slice that starts at the placeholder, the buffer records the file range
//! instead. `write_response` then sends buffers with `write` and file ranges with `sendfile(2)`,
//! so record bytes go from the page cache to the socket without passing through user space.

use bytes::buf::UninitSlice;
use bytes::{BufMut, Bytes, BytesMut};
use kafka_protocol::messages::ResponseHeader;
use kafka_protocol::protocol::buf::ByteBufMut;
use kafka_protocol::protocol::Encodable;
use sluice_log::FileSlice;
use std::collections::VecDeque;
use std::ops::Range;
use std::os::fd::AsRawFd;
use tokio::io::{AsyncWriteExt, Interest};
use tokio::net::TcpStream;

/// Largest record range served zero-copy; larger ones (only possible with a huge
/// max.message.bytes) are read into memory instead.
pub const PLACEHOLDER_BYTES: usize = 64 << 20;
/// Never read or written: only its address marks where a file range goes. An anonymous
/// read-only mapping, so it costs address space but no memory and no binary size.
fn placeholder() -> &'static [u8] {
    static PLACEHOLDER: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let addr = *PLACEHOLDER.get_or_init(|| {
        // SAFETY: a fresh private anonymous mapping; never unmapped, so 'static.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                PLACEHOLDER_BYTES,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        assert!(
            p != libc::MAP_FAILED,
            "cannot reserve the record placeholder"
        );
        p as usize
    });
    // SAFETY: the mapping is PLACEHOLDER_BYTES long, readable, and lives forever.
    unsafe { std::slice::from_raw_parts(addr as *const u8, PLACEHOLDER_BYTES) }
}

/// One piece of an encoded response.
pub enum Part {
    Bytes(Bytes),
    File(FileSlice),
}

/// An encoded response frame, size prefix included.
pub struct Frame {
    pub parts: Vec<Part>,
    pub len: usize,
}

/// Record data to splice into a response: either in memory already or a file range.
pub enum Records {
    Memory(Bytes),
    File(FileSlice),
}

/// Collects the records of a response being built, handing out the `Bytes` to put in the
/// message and remembering which file ranges they stand for, in encoding order.
#[derive(Default)]
pub struct Splicer {
    pending: VecDeque<FileSlice>,
}

impl Splicer {
    /// The value to store in a message's `records` field.
    pub fn add(&mut self, records: Records) -> std::io::Result<Bytes> {
        match records {
            Records::Memory(b) => Ok(b),
            Records::File(slice) if slice.len == 0 => Ok(Bytes::new()),
            Records::File(slice) if (slice.len as usize) <= PLACEHOLDER_BYTES => {
                let len = slice.len as usize;
                self.pending.push_back(slice);
                Ok(Bytes::from_static(&placeholder()[..len]))
            }
            Records::File(slice) => read_slice(&slice),
        }
    }
}

fn read_slice(slice: &FileSlice) -> std::io::Result<Bytes> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; slice.len as usize];
    slice.file.read_exact_at(&mut buf, slice.position)?;
    Ok(Bytes::from(buf))
}

struct GatherBuf {
    parts: Vec<Part>,
    cur: BytesMut,
    /// Bytes in `parts` (everything before `cur`).
    flushed: usize,
    pending: VecDeque<FileSlice>,
}

impl GatherBuf {
    fn new(pending: VecDeque<FileSlice>) -> GatherBuf {
        GatherBuf {
            parts: Vec::new(),
            cur: BytesMut::with_capacity(256),
            flushed: 0,
            pending,
        }
    }

    fn len(&self) -> usize {
        self.flushed + self.cur.len()
    }

    fn finish(mut self) -> (Vec<Part>, usize) {
        let len = self.len();
        if !self.cur.is_empty() {
            self.parts.push(Part::Bytes(self.cur.split().freeze()));
        }
        (self.parts, len)
    }
}

unsafe impl BufMut for GatherBuf {
    fn remaining_mut(&self) -> usize {
        usize::MAX - self.len()
    }
    unsafe fn advance_mut(&mut self, cnt: usize) {
        self.cur.advance_mut(cnt)
    }
    fn chunk_mut(&mut self) -> &mut UninitSlice {
        if self.cur.capacity() == self.cur.len() {
            self.cur.reserve(256);
        }
        self.cur.chunk_mut()
    }
    fn put_slice(&mut self, src: &[u8]) {
        let is_placeholder = !src.is_empty() && std::ptr::eq(src.as_ptr(), placeholder().as_ptr());
        match self.pending.front() {
            Some(f) if is_placeholder && f.len as usize == src.len() => {
                let file = self.pending.pop_front().expect("front exists");
                let head = self.cur.split().freeze();
                self.flushed += head.len() + src.len();
                if !head.is_empty() {
                    self.parts.push(Part::Bytes(head));
                }
                self.parts.push(Part::File(file));
            }
            _ => self.cur.extend_from_slice(src),
        }
    }
}

impl ByteBufMut for GatherBuf {
    fn offset(&self) -> usize {
        self.len()
    }
    fn seek(&mut self, offset: usize) {
        let target = offset.saturating_sub(self.flushed);
        self.cur.resize(target.max(self.cur.len()), 0);
    }
    fn range(&mut self, r: Range<usize>) -> &mut [u8] {
        // Gaps (length prefixes patched later) only occur inside the current buffer.
        let base = self.flushed;
        &mut self.cur[r.start - base..r.end - base]
    }
}

/// Encode a response with its header into a frame, splicing the records queued in `splicer`.
pub fn encode<R: Encodable>(
    correlation_id: i32,
    header_version: i16,
    body: &R,
    version: i16,
    splicer: Splicer,
) -> anyhow_free::Result<Frame> {
    let mut g = GatherBuf::new(splicer.pending);
    g.put_i32(0); // size, patched below
    let header = ResponseHeader::default().with_correlation_id(correlation_id);
    header
        .encode(&mut g, header_version)
        .map_err(|e| e.to_string())?;
    body.encode(&mut g, version).map_err(|e| e.to_string())?;
    if !g.pending.is_empty() {
        return Err("a queued record range was not encoded".into());
    }
    let (mut parts, len) = g.finish();
    let size = (len - 4) as i32;
    patch_size(&mut parts, size);
    Ok(Frame { parts, len })
}

fn patch_size(parts: &mut [Part], size: i32) {
    if let Some(Part::Bytes(first)) = parts.first_mut() {
        let mut b = BytesMut::from(&first[..]);
        b[..4].copy_from_slice(&size.to_be_bytes());
        *first = b.freeze();
    }
}

/// Plain error type for encoding (kafka-protocol reports anyhow errors; we keep their text).
pub mod anyhow_free {
    pub type Result<T> = std::result::Result<T, String>;
}

/// Write a frame to the socket: buffers with write, file ranges with sendfile.
pub async fn write_frame(
    stream: &mut tokio::net::tcp::OwnedWriteHalf,
    frame: Frame,
) -> std::io::Result<()> {
    for part in frame.parts {
        match part {
            Part::Bytes(b) => stream.write_all(&b).await?,
            Part::File(f) => send_file(stream.as_ref(), &f).await?,
        }
    }
    Ok(())
}

async fn send_file(sock: &TcpStream, f: &FileSlice) -> std::io::Result<()> {
    let mut offset = f.position as libc::off_t;
    let end = f.position + f.len as u64;
    while (offset as u64) < end {
        sock.writable().await?;
        let left = (end - offset as u64) as usize;
        let res = sock.try_io(Interest::WRITABLE, || {
            // SAFETY: both fds are valid for the call; offset is a valid out-pointer.
            let n =
                unsafe { libc::sendfile(sock.as_raw_fd(), f.file.as_raw_fd(), &mut offset, left) };
            if n < 0 {
                Err(std::io::Error::last_os_error())
            } else {
                Ok(n as usize)
            }
        });
        match res {
            Ok(0) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "segment file shorter than the range being sent",
                ))
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
