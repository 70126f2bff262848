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

struct Store {
    files: BTreeMap<String, StoredFile>,
    links: HashMap<String, Link>,
    next_id: u64,
}

/// The files of one mock server.
pub struct Media {
    store: Mutex<Store>,
}

impl Default for Media {
    fn default() -> Self {
        // A random start, so ids of two servers (or two runs) do not repeat.
        let next_id = FIRST_ID + fastrand::u64(..1 << 40);
        Self { store: Mutex::new(Store { files: BTreeMap::new(), links: HashMap::new(), next_id }) }
    }
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Media").field("files", &self.lock().files.len()).finish_non_exhaustive()
    }
}

impl Media {
    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps an uploaded file and returns its new id.
    pub(crate) fn upload(&self, file_name: &str, content_type: &str, bytes: Bytes) -> u64 {
        let mut store = self.lock();
        let id = store.next_id;
        store.next_id += 1;
        let s_media_id = id.to_string();
        let file = StoredFile {
            s_media_id: s_media_id.clone(),
            file_name: file_name.to_owned(),
            content_type: content_type.to_owned(),
            bytes,
        };
        store.files.insert(s_media_id, file);
        id
    }

    /// Keeps a file under an id of the caller's choosing, as if it had been uploaded: what a
    /// test does to call getpdf with an id it already has. Replaces a file of the same id.
    pub fn insert(&self, file: StoredFile) {
        self.lock().files.insert(file.s_media_id.clone(), file);
    }

    /// The file `s_media_id`, if the mock holds it.
    pub fn get(&self, s_media_id: &str) -> Option<StoredFile> {
        self.lock().files.get(s_media_id).cloned()
    }

    /// The ids of every file held, sorted.
    pub fn ids(&self) -> Vec<String> {
        self.lock().files.keys().cloned().collect()
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
        store.files.get(&link.s_media_id).cloned()
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
}
