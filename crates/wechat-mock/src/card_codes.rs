//! The codes of cards: deposited by the merchant, taken by users, redeemed once, made
//! unavailable, decrypted from the `encrypt_code` a card's link carries, and a member card's
//! points and balance. A plain value: the server keeps it behind a lock.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;

/// Where a code stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeStatus {
    /// Imported by the merchant (`/card/code/deposit`); no user holds it yet.
    Deposited,
    /// A user holds it and may use it.
    Normal,
    /// Redeemed (`/card/code/consume`): it cannot be redeemed again.
    Consumed,
    /// Set unavailable by the merchant (`/card/code/unavailable`), e.g. after a refund.
    Unavailable,
}

/// One code of a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardCode {
    /// The code.
    pub code: String,
    /// The card it belongs to.
    pub card_id: String,
    /// Where it stands.
    pub status: CodeStatus,
    /// The user who holds it; `None` while it is only deposited.
    pub openid: Option<String>,
    /// What WeChat puts in the card's links instead of the code, for `/card/code/decrypt`.
    pub encrypt_code: Option<String>,
    /// When the user took it, unix seconds.
    pub taken_at: Option<i64>,
    /// Member cards: the member's points.
    pub bonus: i64,
    /// Member cards: the member's balance, in fen.
    pub balance: i64,
}

/// Why a code operation was refused, each with WeChat's `errcode`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// No user holds this code (of this card): 40056 `invalid serial code`.
    #[error("no user holds code `{0}` of this card")]
    Unknown(String),
    /// Redeemed already: 40099 `invalid code, this code has consumed.`.
    #[error("code `{0}` was redeemed already")]
    Consumed(String),
    /// Set unavailable: 40127 `invalid user-card status`.
    #[error("code `{0}` was set unavailable")]
    Unavailable(String),
    /// Not an `encrypt_code` the mock issued: 40075 `invalid encrypt code`.
    #[error("not an encrypt_code the mock issued")]
    UnknownEncryptCode,
    /// The change would take points or balance below zero (the mock's choice of 47001).
    #[error("the {what} would be {result}, below zero")]
    BelowZero {
        /// `bonus` or `balance`.
        what: &'static str,
        /// What it would be.
        result: i64,
    },
    /// A user holds this code already, or it belongs to another card.
    #[error("code `{0}` is taken or belongs to another card")]
    Taken(String),
}

impl CodeError {
    /// WeChat's `errcode` for it.
    pub fn errcode(&self) -> i64 {
        match self {
            Self::Unknown(_) | Self::Taken(_) => INVALID_SERIAL_CODE,
            Self::Consumed(_) => CODE_CONSUMED,
            Self::Unavailable(_) => INVALID_USER_CARD_STATUS,
            Self::UnknownEncryptCode => INVALID_ENCRYPT_CODE,
            Self::BelowZero { .. } => DATA_FORMAT_ERROR,
        }
    }
}

/// `invalid serial code`: no such code.
pub(crate) const INVALID_SERIAL_CODE: i64 = 40056;
/// `invalid code, this code has consumed.`
pub(crate) const CODE_CONSUMED: i64 = 40099;
/// `invalid user-card status`: deleted, or set unavailable.
pub(crate) const INVALID_USER_CARD_STATUS: i64 = 40127;
/// `invalid encrypt code`.
pub(crate) const INVALID_ENCRYPT_CODE: i64 = 40075;
/// `data format error`: WeChat documents no code for points or a balance below zero.
pub(crate) const DATA_FORMAT_ERROR: i64 = 47001;

/// What `/card/code/deposit` answers: the codes imported, those imported before, those refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Deposited {
    /// Imported now.
    pub succ_code: Vec<String>,
    /// Imported before (or held by a user), skipped.
    pub duplicate_code: Vec<String>,
    /// Refused: empty codes.
    pub fail_code: Vec<String>,
}

/// A member card update (`/card/membercard/updateuser`): each total replaces, else each
/// change adds (negative to take away).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberChange {
    /// The points to set.
    pub bonus: Option<i64>,
    /// The points to add.
    pub add_bonus: Option<i64>,
    /// The balance to set, in fen.
    pub balance: Option<i64>,
    /// The balance to add, in fen.
    pub add_balance: Option<i64>,
}

/// Every code the mock knows, with the `encrypt_code`s it gave out.
#[derive(Debug, Default)]
pub(crate) struct CodeBook {
    codes: BTreeMap<String, CardCode>,
    /// Deposited codes in the order they came, per card: the next user takes the oldest.
    deposit_order: Vec<String>,
    encrypted: BTreeMap<String, String>,
}

impl CodeBook {
    /// Imports `codes` for `card_id`.
    pub(crate) fn deposit(&mut self, card_id: &str, codes: &[String]) -> Deposited {
        let mut answer = Deposited::default();
        for code in codes {
            if code.trim().is_empty() {
                answer.fail_code.push(code.clone());
            } else if self.codes.contains_key(code) {
                answer.duplicate_code.push(code.clone());
            } else {
                self.codes.insert(code.clone(), new_code(code, card_id, CodeStatus::Deposited));
                self.deposit_order.push(code.clone());
                answer.succ_code.push(code.clone());
            }
        }
        answer
    }

    /// The code the next user of `card_id` gets: `wanted` if it is free (deposited for this card
    /// or never seen), else the card's oldest deposited code, else a new 12-digit one.
    pub(crate) fn next_code(&self, card_id: &str, wanted: Option<&str>) -> Result<String, CodeError> {
        if let Some(wanted) = wanted {
            return match self.codes.get(wanted) {
                Some(held) if held.status != CodeStatus::Deposited || held.card_id != card_id => {
                    Err(CodeError::Taken(wanted.to_owned()))
                }
                _ => Ok(wanted.to_owned()),
            };
        }
        let deposited = self.deposit_order.iter().find(|code| {
            self.codes.get(*code).is_some_and(|c| c.card_id == card_id && c.status == CodeStatus::Deposited)
        });
        if let Some(code) = deposited {
            return Ok(code.clone());
        }
        let mut code = twelve_digits();
        while self.codes.contains_key(&code) {
            code = twelve_digits();
        }
        Ok(code)
    }

    /// `openid` takes `code` of `card_id` (from [`next_code`](Self::next_code)) at `now`.
    pub(crate) fn issue(&mut self, card_id: &str, code: &str, openid: &str, now: i64) -> CardCode {
        self.deposit_order.retain(|c| c != code);
        let mut encrypt_code = new_encrypt_code();
        while self.encrypted.contains_key(&encrypt_code) {
            encrypt_code = new_encrypt_code();
        }
        self.encrypted.insert(encrypt_code.clone(), code.to_owned());
        let issued = CardCode {
            openid: Some(openid.to_owned()),
            encrypt_code: Some(encrypt_code),
            taken_at: Some(now),
            ..new_code(code, card_id, CodeStatus::Normal)
        };
        self.codes.insert(code.to_owned(), issued.clone());
        issued
    }

    /// Lets `encrypt_code` decrypt to `code`, as if the mock had issued it.
    pub(crate) fn register_encrypt_code(&mut self, encrypt_code: &str, code: &str) {
        self.encrypted.insert(encrypt_code.to_owned(), code.to_owned());
    }

    /// The code a user holds, of `card_id` when one is named.
    pub(crate) fn held(&self, code: &str, card_id: Option<&str>) -> Result<&CardCode, CodeError> {
        self.codes
            .get(code)
            .filter(|c| c.status != CodeStatus::Deposited && card_id.is_none_or(|id| id == c.card_id))
            .ok_or_else(|| CodeError::Unknown(code.to_owned()))
    }

    fn held_mut(&mut self, code: &str, card_id: Option<&str>) -> Result<&mut CardCode, CodeError> {
        self.held(code, card_id)?;
        self.codes.get_mut(code).ok_or_else(|| CodeError::Unknown(code.to_owned()))
    }

    /// The held code, refused when it can no longer be used.
    fn usable_mut(&mut self, code: &str, card_id: Option<&str>) -> Result<&mut CardCode, CodeError> {
        let held = self.held_mut(code, card_id)?;
        match held.status {
            CodeStatus::Consumed => Err(CodeError::Consumed(code.to_owned())),
            CodeStatus::Unavailable => Err(CodeError::Unavailable(code.to_owned())),
            CodeStatus::Normal | CodeStatus::Deposited => Ok(held),
        }
    }

    /// Redeems the code, once.
    pub(crate) fn consume(&mut self, code: &str, card_id: Option<&str>) -> Result<CardCode, CodeError> {
        let held = self.usable_mut(code, card_id)?;
        held.status = CodeStatus::Consumed;
        Ok(held.clone())
    }

    /// Makes the code unavailable: it can no longer be redeemed.
    pub(crate) fn make_unavailable(
        &mut self,
        code: &str,
        card_id: Option<&str>,
    ) -> Result<CardCode, CodeError> {
        let held = self.usable_mut(code, card_id)?;
        held.status = CodeStatus::Unavailable;
        Ok(held.clone())
    }

    /// The code an `encrypt_code` the mock issued stands for.
    pub(crate) fn decrypt(&self, encrypt_code: &str) -> Result<String, CodeError> {
        self.encrypted.get(encrypt_code).cloned().ok_or(CodeError::UnknownEncryptCode)
    }

    /// Applies a member card update; the code keeps its points and balance unless both results
    /// are zero or more.
    pub(crate) fn update_member(
        &mut self,
        code: &str,
        card_id: &str,
        change: MemberChange,
    ) -> Result<CardCode, CodeError> {
        let held = self.held_mut(code, Some(card_id))?;
        if held.status == CodeStatus::Unavailable {
            return Err(CodeError::Unavailable(code.to_owned()));
        }
        let bonus = total("bonus", held.bonus, change.bonus, change.add_bonus)?;
        let balance = total("balance", held.balance, change.balance, change.add_balance)?;
        held.bonus = bonus;
        held.balance = balance;
        Ok(held.clone())
    }

    /// Every code of `card_id`.
    pub(crate) fn of_card(&self, card_id: &str) -> Vec<CardCode> {
        self.codes.values().filter(|c| c.card_id == card_id).cloned().collect()
    }

    /// The code, whatever its status.
    pub(crate) fn get(&self, code: &str) -> Option<CardCode> {
        self.codes.get(code).cloned()
    }
}

/// A total after an update: `set` replaces `now`, else `add` is added to it.
fn total(what: &'static str, now: i64, set: Option<i64>, add: Option<i64>) -> Result<i64, CodeError> {
    let result = match (set, add) {
        (Some(set), _) => set,
        (None, Some(add)) => now.saturating_add(add),
        (None, None) => now,
    };
    if result < 0 {
        return Err(CodeError::BelowZero { what, result });
    }
    Ok(result)
}

fn new_code(code: &str, card_id: &str, status: CodeStatus) -> CardCode {
    CardCode {
        code: code.to_owned(),
        card_id: card_id.to_owned(),
        status,
        openid: None,
        encrypt_code: None,
        taken_at: None,
        bonus: 0,
        balance: 0,
    }
}

/// A code as WeChat generates them: 12 digits.
fn twelve_digits() -> String {
    (0..12).map(|_| char::from(b'0' + fastrand::u8(0..10))).collect()
}

/// An opaque `encrypt_code`, of the length and alphabet of WeChat's (base64 of 48 bytes).
fn new_encrypt_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..64).map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())])).collect()
}

/// The codes a server keeps; the cards are in its resources.
#[derive(Debug, Default)]
pub(crate) struct CardState {
    book: Mutex<CodeBook>,
}

impl CardState {
    /// The code book. Lock it before the resources when both are needed, as [`Cards::take`](crate::Cards::take)
    /// does, so two calls never wait on each other.
    pub(crate) fn book(&self) -> MutexGuard<'_, CodeBook> {
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book_with_code() -> (CodeBook, CardCode) {
        let mut book = CodeBook::default();
        let code = book.next_code("pCard", None).expect("a fresh code");
        let issued = book.issue("pCard", &code, "oUser", 100);
        (book, issued)
    }

    #[test]
    fn a_code_is_consumed_once_then_answers_40099() {
        let (mut book, issued) = book_with_code();
        assert_eq!((issued.code.len(), issued.status), (12, CodeStatus::Normal));
        let consumed = book.consume(&issued.code, Some("pCard")).expect("first time");
        assert_eq!(consumed.status, CodeStatus::Consumed);
        let again = book.consume(&issued.code, None).expect_err("second time");
        assert_eq!((again.clone(), again.errcode()), (CodeError::Consumed(issued.code.clone()), 40099));
        assert_eq!(book.make_unavailable(&issued.code, None).map_err(|e| e.errcode()), Err(40099));
    }

    #[test]
    fn unknown_codes_codes_of_another_card_and_deposited_ones_answer_40056() {
        let (mut book, issued) = book_with_code();
        assert_eq!(book.consume("000000000000", None).map_err(|e| e.errcode()), Err(40056));
        assert_eq!(book.consume(&issued.code, Some("pOther")).map_err(|e| e.errcode()), Err(40056));
        book.deposit("pCard", &["D1".to_owned()]);
        assert_eq!(book.consume("D1", None).map_err(|e| e.errcode()), Err(40056));
    }

    #[test]
    fn an_unavailable_code_cannot_be_consumed() {
        let (mut book, issued) = book_with_code();
        book.make_unavailable(&issued.code, None).expect("usable");
        assert_eq!(book.consume(&issued.code, None).map_err(|e| e.errcode()), Err(40127));
        assert_eq!(book.held(&issued.code, None).map(|c| c.status), Ok(CodeStatus::Unavailable));
    }

    #[test]
    fn deposited_codes_are_given_out_oldest_first_and_repeats_are_duplicates() {
        let mut book = CodeBook::default();
        let codes = ["A".to_owned(), "B".to_owned(), " ".to_owned()];
        let first = book.deposit("pCard", &codes);
        assert_eq!(
            (first.succ_code, first.fail_code),
            (vec!["A".to_owned(), "B".to_owned()], vec![" ".to_owned()])
        );
        assert_eq!(book.deposit("pCard", &["A".to_owned()]).duplicate_code, ["A"]);
        let next = book.next_code("pCard", None).expect("deposited");
        assert_eq!(next, "A");
        book.issue("pCard", &next, "oUser", 1);
        assert_eq!(book.next_code("pCard", None), Ok("B".to_owned()));
        assert_eq!(book.next_code("pCard", Some("A")), Err(CodeError::Taken("A".to_owned())));
        assert_eq!(book.next_code("pOther", Some("B")), Err(CodeError::Taken("B".to_owned())));
        assert_eq!(book.next_code("pCard", Some("NEW")), Ok("NEW".to_owned()));
    }

    #[test]
    fn encrypt_codes_the_mock_issued_decrypt_and_others_answer_40075() {
        let (mut book, issued) = book_with_code();
        let encrypted = issued.encrypt_code.clone().expect("issued with one");
        assert_eq!(book.decrypt(&encrypted), Ok(issued.code.clone()));
        assert_eq!(book.decrypt("not-issued").map_err(|e| e.errcode()), Err(40075));
        book.register_encrypt_code("XXIz", &issued.code);
        assert_eq!(book.decrypt("XXIz"), Ok(issued.code));
    }

    #[test]
    fn member_points_and_balance_add_or_are_set_and_never_go_below_zero() {
        let (mut book, issued) = book_with_code();
        let add = MemberChange { add_bonus: Some(100), add_balance: Some(500), ..MemberChange::default() };
        let after = book.update_member(&issued.code, "pCard", add).expect("added");
        assert_eq!((after.bonus, after.balance), (100, 500));
        let spend = MemberChange { add_bonus: Some(-30), add_balance: Some(-200), ..MemberChange::default() };
        let after = book.update_member(&issued.code, "pCard", spend).expect("spent");
        assert_eq!((after.bonus, after.balance), (70, 300));
        let set = MemberChange { bonus: Some(1000), add_bonus: Some(5), ..MemberChange::default() };
        let after = book.update_member(&issued.code, "pCard", set).expect("set");
        assert_eq!((after.bonus, after.balance), (1000, 300), "a total wins over a change");
        let overdraw = MemberChange { add_balance: Some(-301), ..MemberChange::default() };
        let refused = book.update_member(&issued.code, "pCard", overdraw).expect_err("below zero");
        assert_eq!(
            (refused.clone(), refused.errcode()),
            (CodeError::BelowZero { what: "balance", result: -1 }, 47001)
        );
        let kept = book.held(&issued.code, None).expect("held");
        assert_eq!((kept.bonus, kept.balance), (1000, 300), "a refused update changes nothing");
        assert_eq!(book.update_member(&issued.code, "pOther", add).map_err(|e| e.errcode()), Err(40056));
    }
}
