//! The invoice flow's state: which orders the user authorized, which the merchant refused,
//! and which bills were inserted.
//!
//! An order is keyed by `(s_pappid, order_id)`, as `getauthdata` and `rejectinsert` name it.
//! `insertbill` names it by `order_id` and the `appid` it was authorized under (the server's
//! appid unless the authorization said otherwise).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The user's authorization of an order, as the mock is told of it (standing in for the user
/// on WeChat's authorization page).
/// Built with its fields named, so the platform and the order cannot be swapped:
/// `Authorization { s_pappid, order_id, ..Authorization::default() }`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Authorization {
    /// The invoicing platform's (or finance bureau's) id.
    pub s_pappid: String,
    /// The order's id.
    pub order_id: String,
    /// The appid bills for the order are inserted under; default the server's appid.
    #[serde(default)]
    pub appid: Option<String>,
    /// When the user authorized (Unix seconds); default now.
    #[serde(default)]
    pub auth_time: Option<i64>,
    /// The user's openid; default a new one.
    #[serde(default)]
    pub openid: Option<String>,
    /// What the user filled in on a type 1 page, answered by getauthdata as `user_auth_info`.
    #[serde(default)]
    pub user_auth_info: Option<Value>,
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// The user authorized it; bills may be inserted.
    Authorized,
    /// The merchant refused it (rejectinsert); it can never be billed.
    Rejected,
}

/// A bill inserted into the user's card package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bill {
    /// The bill's code in the card package, as insertbill answered.
    pub code: String,
    /// The card template it was inserted with.
    pub card_id: String,
    /// The bill's code (票据代码).
    pub billing_code: String,
    /// The bill's number (票据号码).
    pub billing_no: String,
}

/// An order, as the admin routes and the library show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Order {
    /// The invoicing platform's id.
    pub s_pappid: String,
    /// The order's id.
    pub order_id: String,
    /// The appid bills are inserted under.
    pub appid: String,
    /// The user's openid.
    pub openid: String,
    /// Where it stands.
    pub status: OrderStatus,
    /// When the user authorized (Unix seconds), if they did.
    pub auth_time: Option<i64>,
    /// What the user filled in, if anything.
    pub user_auth_info: Option<Value>,
    /// The merchant's reason, once refused.
    pub reject_reason: Option<String>,
    /// Bills inserted for it, oldest first.
    pub bills: Vec<Bill>,
}

/// Why an authorization was not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizeError {
    /// The merchant refused the order; WeChat requires a new order_id.
    #[error("order {order_id} of {s_pappid} was refused (rejectinsert); authorize a new order_id instead")]
    Rejected {
        /// The platform's id.
        s_pappid: String,
        /// The order's id.
        order_id: String,
    },
    /// A required value is empty.
    #[error("{0} must not be empty")]
    Empty(&'static str),
}

/// Why a flow step was refused, in WeChat's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// 72038: no authorization matches.
    NeverAuthorized,
    /// 72035: the merchant refused the order.
    Rejected,
    /// 72042: this billing code and number were used already.
    Repeated,
}

/// What insertbill records.
#[derive(Debug, Clone)]
pub(crate) struct NewBill<'a> {
    pub(crate) order_id: &'a str,
    pub(crate) appid: &'a str,
    pub(crate) card_id: &'a str,
    pub(crate) billing_code: &'a str,
    pub(crate) billing_no: &'a str,
}

#[derive(Default)]
struct Book {
    orders: BTreeMap<(String, String), Order>,
    /// `(billing_code, billing_no)` pairs used so far.
    billed: BTreeSet<(String, String)>,
    issued_bills: u64,
}

/// The orders of one mock server.
pub struct Orders {
    /// The appid orders default to.
    appid: String,
    book: Mutex<Book>,
}

impl std::fmt::Debug for Orders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Orders").field("orders", &self.lock().orders.len()).finish_non_exhaustive()
    }
}

impl Orders {
    pub(crate) fn new(appid: &str) -> Self {
        Self { appid: appid.to_owned(), book: Mutex::default() }
    }

    fn lock(&self) -> MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records that the user authorized an order, as WeChat's authorization page would.
    /// Authorizing an authorized order again updates it; a refused order stays refused.
    pub fn authorize(&self, auth: Authorization) -> Result<Order, AuthorizeError> {
        if auth.s_pappid.is_empty() {
            return Err(AuthorizeError::Empty("s_pappid"));
        }
        if auth.order_id.is_empty() {
            return Err(AuthorizeError::Empty("order_id"));
        }
        let mut book = self.lock();
        let key = (auth.s_pappid.clone(), auth.order_id.clone());
        let existing = book.orders.get(&key);
        if existing.is_some_and(|o| o.status == OrderStatus::Rejected) {
            return Err(AuthorizeError::Rejected { s_pappid: auth.s_pappid, order_id: auth.order_id });
        }
        let bills = existing.map(|o| o.bills.clone()).unwrap_or_default();
        let openid = auth.openid.or_else(|| existing.map(|o| o.openid.clone())).unwrap_or_else(new_openid);
        let order = Order {
            s_pappid: auth.s_pappid,
            order_id: auth.order_id,
            appid: auth.appid.unwrap_or_else(|| self.appid.clone()),
            openid,
            status: OrderStatus::Authorized,
            auth_time: Some(auth.auth_time.unwrap_or_else(unix_now)),
            user_auth_info: auth.user_auth_info,
            reject_reason: None,
            bills,
        };
        book.orders.insert(key, order.clone());
        Ok(order)
    }

    /// The order `order_id` of `s_pappid`, if the mock knows it.
    pub fn get(&self, s_pappid: &str, order_id: &str) -> Option<Order> {
        self.lock().orders.get(&(s_pappid.to_owned(), order_id.to_owned())).cloned()
    }

    /// Every order the mock knows, sorted by `s_pappid` and `order_id`.
    pub fn list(&self) -> Vec<Order> {
        self.lock().orders.values().cloned().collect()
    }

    /// getauthdata: the authorized order, or why not.
    pub(crate) fn auth_data(&self, s_pappid: &str, order_id: &str) -> Result<Order, Refusal> {
        match self.get(s_pappid, order_id) {
            None => Err(Refusal::NeverAuthorized),
            Some(order) if order.status == OrderStatus::Rejected => Err(Refusal::Rejected),
            Some(order) => Ok(order),
        }
    }

    /// rejectinsert: the order is refused for good. An order the mock has not seen
    /// authorized is recorded as refused too, so a later authorization cannot revive it.
    pub(crate) fn reject(&self, s_pappid: &str, order_id: &str, reason: &str) {
        let mut book = self.lock();
        let key = (s_pappid.to_owned(), order_id.to_owned());
        let order = book.orders.entry(key).or_insert_with(|| Order {
            s_pappid: s_pappid.to_owned(),
            order_id: order_id.to_owned(),
            appid: self.appid.clone(),
            openid: new_openid(),
            status: OrderStatus::Rejected,
            auth_time: None,
            user_auth_info: None,
            reject_reason: None,
            bills: Vec::new(),
        });
        order.status = OrderStatus::Rejected;
        order.reject_reason = Some(reason.to_owned());
    }

    /// insertbill: records the bill and returns it with the user's openid, or why not.
    pub(crate) fn insert_bill(&self, new: &NewBill<'_>) -> Result<(Bill, String), Refusal> {
        let mut book = self.lock();
        let matching = || book.orders.values().filter(|o| o.order_id == new.order_id && o.appid == new.appid);
        let key = match matching().find(|o| o.status == OrderStatus::Authorized) {
            Some(order) => (order.s_pappid.clone(), order.order_id.clone()),
            None if matching().next().is_some() => return Err(Refusal::Rejected),
            None => return Err(Refusal::NeverAuthorized),
        };
        let pair = (new.billing_code.to_owned(), new.billing_no.to_owned());
        if book.billed.contains(&pair) {
            return Err(Refusal::Repeated);
        }
        book.billed.insert(pair);
        book.issued_bills += 1;
        let bill = Bill {
            code: format!("68{:011}", book.issued_bills),
            card_id: new.card_id.to_owned(),
            billing_code: new.billing_code.to_owned(),
            billing_no: new.billing_no.to_owned(),
        };
        let Some(order) = book.orders.get_mut(&key) else { return Err(Refusal::NeverAuthorized) };
        order.bills.push(bill.clone());
        Ok((bill, order.openid.clone()))
    }
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// An openid in WeChat's shape: 28 characters starting with `o`.
fn new_openid() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let mut openid = String::from("oMOCK");
    openid.extend((0..23).map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())])));
    openid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bill<'a>(order_id: &'a str, code: &'a str, no: &'a str) -> NewBill<'a> {
        NewBill { order_id, appid: "wxapp", card_id: "card", billing_code: code, billing_no: no }
    }

    /// The authorization of `order_id` for `s_pappid`, everything else by default.
    fn of_order(s_pappid: &str, order_id: &str) -> Authorization {
        Authorization { s_pappid: s_pappid.into(), order_id: order_id.into(), ..Authorization::default() }
    }

    #[test]
    fn the_flow_of_one_order() {
        let orders = Orders::new("wxapp");
        assert_eq!(orders.auth_data("p", "o1").unwrap_err(), Refusal::NeverAuthorized);
        assert_eq!(orders.insert_bill(&bill("o1", "c", "1")).unwrap_err(), Refusal::NeverAuthorized);
        let order = orders.authorize(of_order("p", "o1")).unwrap();
        assert_eq!((order.status, order.appid.as_str()), (OrderStatus::Authorized, "wxapp"));
        assert_eq!(order.openid.len(), 28);
        assert!(orders.auth_data("p", "o1").is_ok());
        assert_eq!(orders.auth_data("other", "o1").unwrap_err(), Refusal::NeverAuthorized);
        let (first, openid) = orders.insert_bill(&bill("o1", "c", "1")).unwrap();
        assert_eq!((first.code.len(), openid), (13, order.openid.clone()));
        assert_eq!(orders.insert_bill(&bill("o1", "c", "1")).unwrap_err(), Refusal::Repeated);
        let (second, _) = orders.insert_bill(&bill("o1", "c", "2")).unwrap();
        assert_ne!(first.code, second.code);
        let wrong_app = NewBill { appid: "wxother", ..bill("o1", "c", "3") };
        assert_eq!(orders.insert_bill(&wrong_app).unwrap_err(), Refusal::NeverAuthorized);
        assert_eq!(orders.get("p", "o1").unwrap().bills.len(), 2);

        orders.reject("p", "o1", "returned");
        assert_eq!(orders.auth_data("p", "o1").unwrap_err(), Refusal::Rejected);
        assert_eq!(orders.insert_bill(&bill("o1", "c", "4")).unwrap_err(), Refusal::Rejected);
        let again = orders.authorize(of_order("p", "o1")).unwrap_err();
        assert!(matches!(again, AuthorizeError::Rejected { .. }), "{again}");
    }

    #[test]
    fn refusing_an_unseen_order_keeps_it_refused() {
        let orders = Orders::new("wxapp");
        orders.reject("p", "o2", "no");
        assert_eq!(orders.auth_data("p", "o2").unwrap_err(), Refusal::Rejected);
        assert!(orders.authorize(of_order("p", "o2")).is_err());
        assert_eq!(orders.authorize(of_order("", "o2")).unwrap_err(), AuthorizeError::Empty("s_pappid"));
        assert_eq!(orders.list().len(), 1);
    }
}
