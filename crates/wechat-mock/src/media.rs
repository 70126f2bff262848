//! Uploaded files (the PDFs `setpdf` receives), by `s_media_id`, and the temporary links
//! `getpdf` hands out to download them.
//!
//! WeChat describes `s_media_id` as a 64-bit integer; the mock issues ids above 2^53 so a
//! client that reads them through a float loses digits and fails its tests.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// How long a download link from getpdf works: WeChat's `pdf_url_expire_time`, 2 hours.
pub const PDF_URL_LIFETIME: Duration = Duration::from_secs(7200);

/// Where the mock serves downloads, as WeChat serves them under
/// `https://mp.weixin.qq.com/intp/invoice/getpdf?action=media_pdf&media_key=…`.
pub(crate) const DOWNLOAD_PATH: &str = "/intp/invoice/getpdf";

/// How many bytes of files a server keeps unless configured otherwise: 64 MiB, room for six
/// PDFs of setpdf's 10 MiB limit and thousands of ordinary invoices.
pub const DEFAULT_MEDIA_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// How long a server keeps a file unless configured otherwise: 3 days, as long as WeChat
/// keeps a PDF that was not attached to an invoice.
pub const DEFAULT_MEDIA_MAX_AGE: Duration = Duration::from_secs(3 * 24 * 3600);

/// The smallest id issued: 2^62, far above 2^53, the last integer a float holds exactly.
const FIRST_ID: u64 = 1 << 62;

/// Characters of a media key.
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A file the mock holds.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// The id it is known by (decimal digits for the ids the mock issues).
    pub s_media_id: String,
    /// The name the uploader gave it.
    pub file_name: String,
    /// Its media type, e.g. `application/pdf`.
    pub content_type: String,
    /// Its contents.
    pub bytes: Bytes,
}

/// The bytes are left out: a PDF in a log line helps nobody.
impl std::fmt::Debug for StoredFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredFile")
            .field("s_media_id", &self.s_media_id)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

struct Link {
    s_media_id: String,
    expires_at: Instant,
}

/// A kept file, with when it was kept and its place in the eviction order.
struct Entry {
    file: StoredFile,
    stored_at: Instant,
    seq: u64,
}

struct Store {
    files: HashMap<String, Entry>,
    /// Ids by the order they were kept in, oldest first: what eviction drops first.
    order: BTreeMap<u64, String>,
    links: HashMap<String, Link>,
    next_id: u64,
    next_seq: u64,
    total_bytes: u64,
}

impl Store {
    fn remove(&mut self, s_media_id: &str) {
        if let Some(entry) = self.files.remove(s_media_id) {
            self.order.remove(&entry.seq);
            self.total_bytes -= entry.file.bytes.len() as u64;
        }
    }

    /// Drops every file kept longer than `max_age` ago.
    fn drop_aged(&mut self, max_age: Duration, now: Instant) {
        while let Some((_, id)) = self.order.first_key_value() {
            let aged =
                self.files.get(id).is_none_or(|e| now.saturating_duration_since(e.stored_at) >= max_age);
            if !aged {
                break;
            }
            let id = id.clone();
            self.remove(&id);
        }
    }

    /// Drops the oldest files until `incoming` more bytes fit within `max_bytes`.
    fn make_room(&mut self, incoming: u64, max_bytes: u64) {
        while self.total_bytes.saturating_add(incoming) > max_bytes {
            let Some((_, id)) = self.order.first_key_value() else { break };
            let id = id.clone();
            self.remove(&id);
        }
    }

    /// Adds a file whose id is not held (see [`Store::remove`]).
    fn keep(&mut self, file: StoredFile, now: Instant) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.total_bytes += file.bytes.len() as u64;
        self.order.insert(seq, file.s_media_id.clone());
        self.files.insert(file.s_media_id.clone(), Entry { file, stored_at: now, seq });
    }
}

/// The files of one mock server, within a total size and an age (see
/// [`MockConfig::media_max_bytes`](crate::MockConfig::media_max_bytes) and
/// [`MockConfig::media_max_age`](crate::MockConfig::media_max_age)). A file dropped for
/// either is unknown from then on, as an expired `s_media_id` is to WeChat: getpdf answers
/// 72031 and its download links answer 404.
pub struct Media {
    store: Mutex<Store>,
    max_bytes: u64,
    max_age: Duration,
}

impl Default for Media {
    fn default() -> Self {
        Self::new(DEFAULT_MEDIA_MAX_BYTES, DEFAULT_MEDIA_MAX_AGE)
    }
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let store = self.lock();
        f.debug_struct("Media")
            .field("files", &store.files.len())
            .field("total_bytes", &store.total_bytes)
            .field("max_bytes", &self.max_bytes)
            .field("max_age", &self.max_age)
            .finish_non_exhaustive()
    }
}

impl Media {
    /// A store that keeps at most `max_bytes` of files in all, none longer than `max_age`.
    pub fn new(max_bytes: u64, max_age: Duration) -> Self {
        // A random start, so ids of two servers (or two runs) do not repeat.
        let next_id = FIRST_ID + fastrand::u64(..1 << 40);
        let store = Store {
            files: HashMap::new(),
            order: BTreeMap::new(),
            links: HashMap::new(),
            next_id,
            next_seq: 0,
            total_bytes: 0,
        };
        Self { store: Mutex::new(store), max_bytes, max_age }
    }

    /// The store, with files past their age already dropped.
    fn lock(&self) -> MutexGuard<'_, Store> {
        let mut store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        store.drop_aged(self.max_age, Instant::now());
        store
    }

    /// Keeps a file, dropping the oldest ones to make room; the newest file is always kept,
    /// even one larger than the whole store.
    fn keep(&self, store: &mut Store, file: StoredFile) {
        store.remove(&file.s_media_id);
        store.make_room(file.bytes.len() as u64, self.max_bytes);
        store.keep(file, Instant::now());
        // Links to dropped files lead nowhere; forget them rather than keep them for two hours.
        let Store { links, files, .. } = store;
        links.retain(|_, link| files.contains_key(&link.s_media_id));
    }

    /// Keeps an uploaded file and returns its new id.
    pub(crate) fn upload(&self, file_name: &str, content_type: &str, bytes: Bytes) -> u64 {
        let mut store = self.lock();
        let id = store.next_id;
        store.next_id += 1;
        let file = StoredFile {
            s_media_id: id.to_string(),
            file_name: file_name.to_owned(),
            content_type: content_type.to_owned(),
            // A copy, so the store holds the file and not the whole request body it was cut from.
            bytes: Bytes::copy_from_slice(&bytes),
        };
        self.keep(&mut store, file);
        id
    }

    /// Keeps a file under an id of the caller's choosing, as if it had been uploaded: what a
    /// test does to call getpdf with an id it already has. Replaces a file of the same id.
    pub fn insert(&self, file: StoredFile) {
        let mut store = self.lock();
        self.keep(&mut store, file);
    }

    /// The file `s_media_id`, if the mock holds it.
    pub fn get(&self, s_media_id: &str) -> Option<StoredFile> {
        self.lock().files.get(s_media_id).map(|e| e.file.clone())
    }

    /// The ids of every file held, sorted.
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.lock().files.keys().cloned().collect();
        ids.sort();
        ids
    }

    /// The bytes of every file held, added up: never more than the configured maximum, unless
    /// the one file held is larger on its own.
    pub fn total_bytes(&self) -> u64 {
        self.lock().total_bytes
    }

    /// A new download key for `s_media_id`, valid for [`PDF_URL_LIFETIME`]; `None` for an
    /// unknown id.
    pub(crate) fn link(&self, s_media_id: &str) -> Option<String> {
        let mut store = self.lock();
        if !store.files.contains_key(s_media_id) {
            return None;
        }
        let now = Instant::now();
        store.links.retain(|_, link| link.expires_at > now);
        let key: String = (0..43).map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())])).collect();
        let link = Link { s_media_id: s_media_id.to_owned(), expires_at: now + PDF_URL_LIFETIME };
        store.links.insert(key.clone(), link);
        Some(key)
    }

    /// The file a download key leads to, while the key is valid.
    pub(crate) fn download(&self, key: &str) -> Option<StoredFile> {
        let store = self.lock();
        let link = store.links.get(key).filter(|link| link.expires_at > Instant::now())?;
        store.files.get(&link.s_media_id).map(|e| e.file.clone())
    }

    /// Ends every download link now: the next download answers 404, as an expired
    /// `pdf_url` does.
    pub fn expire_links(&self) {
        self.lock().links.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_get_ids_beyond_what_a_float_holds_and_links_lead_to_them() {
        let media = Media::default();
        let first = media.upload("a.pdf", "application/pdf", Bytes::from_static(b"%PDF-1"));
        let second = media.upload("b.pdf", "application/pdf", Bytes::from_static(b"%PDF-2"));
        assert!(first > 1 << 53 && second == first + 1);
        let stored = media.get(&first.to_string()).expect("kept");
        assert_eq!((stored.file_name.as_str(), &stored.bytes[..]), ("a.pdf", &b"%PDF-1"[..]));
        assert!(!format!("{stored:?}").contains("PDF-1"), "Debug leaves the bytes out");

        let key = media.link(&second.to_string()).expect("a known id");
        assert_eq!(media.download(&key).map(|f| f.bytes), Some(Bytes::from_static(b"%PDF-2")));
        assert!(media.link("12345").is_none());
        assert!(media.download("no-such-key").is_none());
        media.expire_links();
        assert!(media.download(&key).is_none());
        assert_eq!(media.ids().len(), 2);
    }

    #[test]
    fn a_file_inserted_under_its_own_id_is_served_like_an_upload() {
        let media = Media::default();
        media.insert(StoredFile {
            s_media_id: "75195574948725301".to_owned(),
            file_name: "given.pdf".to_owned(),
            content_type: "application/pdf".to_owned(),
            bytes: Bytes::from_static(b"%PDF-given"),
        });
        let key = media.link("75195574948725301").expect("known");
        assert_eq!(media.download(&key).map(|f| f.file_name), Some("given.pdf".to_owned()));
    }

    fn pdf(len: usize) -> Bytes {
        let mut bytes = b"%PDF-".to_vec();
        bytes.resize(len, b'x');
        Bytes::from(bytes)
    }

    #[test]
    fn uploads_past_the_bound_evict_the_oldest_and_the_total_stays_bounded() {
        let media = Media::new(1000, Duration::from_secs(3600));
        let ids: Vec<String> =
            (0..30).map(|_| media.upload("a.pdf", "application/pdf", pdf(300)).to_string()).collect();
        assert_eq!(media.total_bytes(), 900, "three files of 300 bytes fit in 1000");
        assert_eq!(media.ids(), ids[27..].to_vec(), "the newest are kept, the oldest evicted");
        assert!(media.get(&ids[0]).is_none() && media.link(&ids[26]).is_none(), "evicted ids are unknown");

        let key = media.link(&ids[27]).expect("kept");
        media.upload("big.pdf", "application/pdf", pdf(800));
        assert!(media.download(&key).is_none(), "a link to an evicted file leads nowhere");
        assert_eq!(media.total_bytes(), 800);
        assert_eq!(media.ids().len(), 1);

        media.upload("huge.pdf", "application/pdf", pdf(5000));
        assert_eq!(media.total_bytes(), 5000, "the newest file is kept even when larger than the store");
        media.upload("small.pdf", "application/pdf", pdf(10));
        assert_eq!(media.total_bytes(), 10, "and is the first to go");
    }

    #[test]
    fn a_replaced_file_counts_once() {
        let media = Media::new(1000, Duration::from_secs(3600));
        let file = |len| StoredFile {
            s_media_id: "7".to_owned(),
            file_name: "a.pdf".to_owned(),
            content_type: "application/pdf".to_owned(),
            bytes: pdf(len),
        };
        media.insert(file(600));
        media.insert(file(700));
        assert_eq!((media.total_bytes(), media.ids()), (700, vec!["7".to_owned()]));
    }

    #[test]
    fn an_aged_file_is_gone() {
        let media = Media::new(1000, Duration::from_millis(30));
        let old = media.upload("old.pdf", "application/pdf", pdf(100)).to_string();
        let key = media.link(&old).expect("fresh");
        std::thread::sleep(Duration::from_millis(60));
        assert!(media.get(&old).is_none() && media.link(&old).is_none() && media.download(&key).is_none());
        assert_eq!(media.total_bytes(), 0);
        let new = media.upload("new.pdf", "application/pdf", pdf(100)).to_string();
        assert_eq!(media.ids(), vec![new]);
    }

    #[test]
    fn the_store_keeps_a_copy_not_the_request_it_was_cut_from() {
        let media = Media::default();
        let request = Bytes::from(vec![b'%'; 4096]);
        let id = media.upload("a.pdf", "application/pdf", request.slice(0..5)).to_string();
        assert_eq!(media.total_bytes(), 5);
        let kept = media.get(&id).expect("kept").bytes;
        assert_ne!(kept.as_ptr(), request.as_ptr(), "a slice would keep the whole request alive");
    }
}
