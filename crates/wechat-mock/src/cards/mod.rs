//! Cards (卡券) beyond what the spec can declare. The cards themselves are resources of kind
//! `card`, created and read as `spec/card/create_card.toml` and `get_card.toml` declare
//! (`[mock]`); this module adds what no table can say: WeChat's review (an admin approves),
//! the stock (`base_info.sku`, which may not go below zero), the codes users hold (deposited,
//! taken, redeemed once, made unavailable, decrypted) and member cards' points and balance.
//!
//! The endpoints it answers, by operation key, and the request fields each reads, are in
//! [`steps`]; an endpoint file with that key is stateful as soon as it lands in `spec/`.

mod steps;
mod stock;

use serde::Deserialize;

use crate::resources::{Resource, ResourceError, fresh_id, now, object_type};
use crate::state::Shared;

pub use crate::card_codes::{CardCode, CodeError, CodeStatus, Deposited, MemberChange};
pub(crate) use steps::{arrange, handler};
pub use stock::{Stock, StockError};

/// The resource kind of cards, as the spec's `[mock]` tables name it.
pub const CARD: &str = "card";
/// The status WeChat's review gives an approved card.
pub const VERIFY_OK: &str = "CARD_STATUS_VERIFY_OK";
/// An approved card given out on the official account platform: users may take it too.
const DISPATCH: &str = "CARD_STATUS_DISPATCH";

/// A user taking a card, as the mock is told of it (standing in for the user tapping "add to
/// card package").
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TakeCard {
    /// The card.
    pub card_id: String,
    /// The user; default a new openid.
    #[serde(default)]
    pub openid: Option<String>,
    /// The code to give (a custom or deposited code); default the card's oldest deposited
    /// code, else a new 12-digit one.
    #[serde(default)]
    pub code: Option<String>,
}

impl TakeCard {
    /// A new user takes `card_id`, with the code the card gives out next.
    pub fn new(card_id: impl Into<String>) -> Self {
        Self { card_id: card_id.into(), openid: None, code: None }
    }
}

/// Why a card operation of the mock's own was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// No card has this id.
    #[error("no card with card_id `{0}`")]
    UnknownCard(String),
    /// Users take only approved cards.
    #[error("card `{card_id}` is {status}; approve it first (POST /__mock/cards/approve)")]
    NotApproved {
        /// The card.
        card_id: String,
        /// Its status.
        status: String,
    },
    /// The stock refused it (none left, or no `base_info.sku`).
    #[error("card `{card_id}`: {source}")]
    Stock {
        /// The card.
        card_id: String,
        /// Why.
        #[source]
        source: StockError,
    },
    /// The code cannot be given.
    #[error(transparent)]
    Code(#[from] CodeError),
}

impl From<ResourceError> for CardError {
    fn from(error: ResourceError) -> Self {
        match error {
            ResourceError::Unknown { id, .. } => Self::UnknownCard(id),
        }
    }
}

/// The cards of one server and their codes: approve a card as WeChat's review would, have a
/// user take one, inspect codes.
#[derive(Clone, Copy)]
pub struct Cards<'a> {
    shared: &'a Shared,
}

impl std::fmt::Debug for Cards<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cards").field("cards", &self.list().len()).finish()
    }
}

impl<'a> Cards<'a> {
    pub(crate) fn new(shared: &'a Shared) -> Self {
        Self { shared }
    }

    /// The card as stored, with its status.
    pub fn card(&self, card_id: &str) -> Option<Resource> {
        self.shared.resources.get(CARD, card_id)
    }

    /// Every card.
    pub fn list(&self) -> Vec<Resource> {
        self.shared.resources.list(CARD)
    }

    /// WeChat's review approves the card: its status becomes `CARD_STATUS_VERIFY_OK`, and its
    /// stock shows `total_quantity`.
    pub fn approve(&self, card_id: &str) -> Result<Resource, CardError> {
        let ty = object_type(self.shared.table, CARD);
        let approved = self.shared.resources.update(CARD, card_id, |card| {
            card.status = VERIFY_OK.to_owned();
            if let Some(ty) = ty {
                // A card without `base_info.sku` (of a type the spec does not know) has no stock.
                let _ = stock::modify(&mut card.object, ty, 0, 0);
            }
            card.clone()
        })?;
        self.shared.pushes.card_approved(card_id);
        Ok(approved)
    }

    /// A user takes the card: one fewer in stock, and the user holds a code, with the
    /// `encrypt_code` WeChat would put in the card's links.
    pub fn take(&self, take: TakeCard) -> Result<CardCode, CardError> {
        let card_id = take.card_id.as_str();
        let ty = object_type(self.shared.table, CARD);
        let mut book = self.shared.cards.book();
        let code = book.next_code(card_id, take.code.as_deref())?;
        self.shared.resources.update(CARD, card_id, |card| {
            if card.status != VERIFY_OK && card.status != DISPATCH {
                return Err(CardError::NotApproved {
                    card_id: card_id.to_owned(),
                    status: card.status.clone(),
                });
            }
            let Some(ty) = ty else { return Ok(()) };
            stock::take_one(&mut card.object, ty)
                .map(drop)
                .map_err(|source| CardError::Stock { card_id: card_id.to_owned(), source })
        })??;
        let openid = take.openid.unwrap_or_else(|| fresh_id(Some(OPENID_SHAPE)));
        let issued = book.issue(card_id, &code, &openid, now());
        self.shared.pushes.card_taken(card_id, &issued.code, &openid);
        Ok(issued)
    }

    /// The merchant imports its own codes for the card (`/card/code/deposit`).
    pub fn deposit(&self, card_id: &str, codes: &[String]) -> Result<Deposited, CardError> {
        let mut book = self.shared.cards.book();
        if self.card(card_id).is_none() {
            return Err(CardError::UnknownCard(card_id.to_owned()));
        }
        Ok(book.deposit(card_id, codes))
    }

    /// The code a user holds, of `card_id` when one is named.
    pub(crate) fn held(&self, code: &str, card_id: Option<&str>) -> Result<CardCode, CodeError> {
        self.shared.cards.book().held(code, card_id).cloned()
    }

    /// The code, whatever its status.
    pub fn code(&self, code: &str) -> Option<CardCode> {
        self.shared.cards.book().get(code)
    }

    /// Every code of the card.
    pub fn codes(&self, card_id: &str) -> Vec<CardCode> {
        self.shared.cards.book().of_card(card_id)
    }
}

/// What an openid looks like: `o` and 27 more characters.
const OPENID_SHAPE: &str = "oMockOpenid00000000000000000";
