//! A local WeChat server for the invoice APIs, driven by the same spec as the client.
//!
//! Like stripe-mock, but stateful where it matters. It serves every endpoint of the
//! repository's `spec/` folder on 127.0.0.1: routes, request schemas and error tables come
//! from a table `cargo xtask codegen` generates from the spec. It issues and checks access
//! tokens (`/cgi-bin/stable_token`, `/cgi-bin/token`) and a third-party platform's component
//! and authorizer tokens, refuses bodies that do not match the spec with WeChat's own codes
//! (47001 naming the field), keeps what WeChat keeps as the spec declares it (an order is
//! linked, authorized, refused, billed; settings read back as set) and the PDFs uploaded,
//! and takes fault injection for tests.
//!
//! ```no_run
//! # async fn run() -> Result<(), wechat_mock::MockError> {
//! use wechat_mock::user_actions::invoice::AuthorizeInvoiceParams;
//! use wechat_mock::{MockConfig, MockServer};
//!
//! let mock = MockServer::start(MockConfig::demo()).await?;
//! // Point a client at mock.base_url() with the demo appid and secret; once it has the
//! // order's link (get_auth_url), the user authorizes it:
//! mock.act(&AuthorizeInvoiceParams::builder().s_pappid("s_pappid").order_id("order-1").build().expect("both set")).expect("the order has a link");
//! mock.faults().busy(-1, 2).expect("a valid fault");
//! assert_eq!(mock.requests().count("/card/invoice/getauthdata"), 0);
//! mock.shutdown().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # What it checks, in order
//!
//! 1. The path (and fixed query such as `action=`) names an operation of the spec, else
//!    40066 `invalid url`.
//! 2. A POST operation was called with POST, else 43002.
//! 3. A queued fault for the operation, if any, is answered instead (see [`Faults`]).
//! 4. `access_token`: missing 41001, unknown or superseded 40001, expired 42001; a
//!    platform's authorizer token is accepted where the spec lets third parties call, and
//!    refused with 61024 elsewhere.
//! 5. Query parameters and the body against the spec's schema: an empty body 44002; not
//!    JSON, a missing field, a wrong type or a constant without its value (getpdf's
//!    `"action": "get_url"`) 47001 with a hint naming the field, e.g.
//!    `data format error hint: [card_ext.user_card.invoice_user_data.fee] expected integer, found string rid: …`.
//!    A `multipart/form-data` upload (setpdf) is read part by part: a missing, empty or
//!    oversize file 47001 naming the part; a file not of its part's content type (or not
//!    starting as such files do, `%PDF-`) the operation's own code, 72040 for setpdf.
//!    Where the spec marks a field `lenient_in_mock` (its sources disagree on whether WeChat
//!    refuses), what would be refused there is accepted with a warning instead: an
//!    `X-Mock-Warning` header on the answer, an entry in [`RequestCounts::log`], a log line.
//! 6. The answer: from the records the operation's spec declares steps for (`[[mock]]`, see
//!    spec/README.md, "What the mock keeps", and below), from hand-written Rust where no step
//!    can say it (tokens; setpdf keeps the file and answers its `s_media_id` as a JSON number
//!    above 2^53, getpdf answers a `pdf_url` the mock serves the file at for two hours, or
//!    72031 for an unknown id), or the spec's success example for an operation whose answer
//!    depends on nothing kept (listed below); an operation whose success is text
//!    (`response_body = "text"`, `/nontax/downloadbill`'s CSV statement) answers its example's
//!    text as `text/csv`, kept among the answers as a JSON string.
//!
//! # What the mock keeps
//!
//! What WeChat keeps, the mock keeps, as the spec declares it (spec/README.md, "What the mock
//! keeps"): resources (`spec/resources.toml`, `spec/<group>/resources.toml`), each operation's
//! `[[mock]]` steps, run by one engine in a transaction per call, and user actions
//! (`spec/<group>/user/*.toml`), what only a WeChat user or WeChat's review does:
//! [`MockServer::user_action`] and `POST /__mock/user/<group>/<name>`, with typed parameters
//! in [`user_actions`]. [`MockServer::seed`] holds records a test arranges ([`records`]), and
//! [`MockServer::records`] reads them. For the card families (`card`, `card_code`,
//! `member_card`, `card_stats`) that is a card with its review and stock, the codes users hold
//! (deposited, held, redeemed, unavailable, deleted, given to a friend, with a member's
//! number, points, balance and form answers), landing pages, QR codes, the test whitelist,
//! activation forms and tickets; the user takes a card (`card/take_card`), deletes it
//! (`card/remove_card`), gives it to a friend (`card/give_card`), submits the member form
//! (`member_card/submit_member_form`), opens it (`member_card/view_card`), and WeChat's review
//! approves or refuses it (`card/approve_card`, `card/refuse_card`); each pushes the event
//! WeChat pushes.
//!
//! An operation without steps answers its success example: `card/get_colors` (WeChat's fixed
//! list of card colours, the same for every account). The four `card_stats` operations check
//! their dates and card as WeChat does, then answer their example's rows: WeChat computes
//! card statistics overnight from what users did, which the mock does not count.
//! `GET /__mock/operations` says where each answer comes from.
//!
//! For the invoice families (`invoice`, `platform`, `reimburse`, `nontax`) that is the
//! authorization orders users authorize (`invoice/authorize_invoice`, pushing
//! `user_authorize_invoice`) and merchants refuse, the account's invoice settings, the invoice
//! and fiscal e-bill card templates, the bills inserted, the invoices in users' card packages
//! and their reimbursement status (the user shares one with `reimburse/share_invoice`; each
//! status change pushes `update_invoice_status`), and invoices issued through unified
//! invoicing; for `token`, the card api_ticket (the same one until it expires).
//!
//! Error messages end in ` rid: …` as WeChat's do, so compare with `starts_with`.
//!
//! # Gift cards, pay-gift rules, coins, sub-merchants, non-tax payments, general cards and tickets
//!
//! These groups answer from the state their spec files declare, and no Rust is keyed by their
//! operations: the resources are in `spec/<group>/resources.toml`, what only a user or
//! WeChat's review does in `spec/<group>/user/` (each an admin route,
//! `POST /__mock/user/<group>/<name>`, and [`MockServer::user_action`] with the typed
//! parameters of [`user_actions`]).
//!
//! - `gift_card`: pages (`gift_card_page`, 81011), the account's switch over them
//!   (`gift_card_shop`), orders (`gift_card_order`, 81012; paid, then refunded once: 81018) and
//!   the merchant numbers set up to sell (`gift_card_pay_mch`). Users `buy_gift_card`
//!   (`giftcard_pay_done`), `give_gift_card` (`giftcard_send_to_friend`) and
//!   `accept_gift_card` (`giftcard_user_accept`). A page's cards must exist (40073); that they
//!   are gift cards (81002) is not checked, since the card union has no `GENERAL_CARD` yet.
//! - `pay_gift`: rules (`pay_gift_rule`, 72034; a member card, 72003; a span not over, 72032),
//!   the merchant numbers they hold (`pay_gift_mchid`: a number another rule holds is answered
//!   in `fail_mchid_list`, freed when that rule is deleted) and the older interface's member
//!   rules, one per merchant number (`pay_member_rule`, 72030). No user action: WeChat gives
//!   the card after a payment, which no call here observes.
//! - `coin`: the coin account (`coin_account`: opened once by `activate_account` with 200 free
//!   coins; an account not opened holds none, 71003 at confirm), its ledger (`coin_order`,
//!   71002) and the quotes of `get_pay_price` (`coin_quote`: one coin a coupon, free coins
//!   first; confirmed once, 71007, within 60 seconds, 71008, for the card and quantity
//!   priced, 71002). A confirm adds the stock to the card and takes the coins (71003 when
//!   short). The user `pay_coin_order` pays a top-up; the grant, each exchange and each
//!   top-up paid push `card_pay_order`. `recharge`'s `qrcode_buffer` (an image) is the
//!   example's.
//! - `sub_merchant`: sub-merchants (`sub_merchant`, numbered in turn; 40097 for an unknown
//!   `merchant_id`, WeChat's answer being undocumented) as submitted or updated, listed by id
//!   after `begin_id` and by status. WeChat's review is the user action
//!   `review_sub_merchant` (CHECKING to APPROVED or REJECTED, pushing
//!   `card_merchant_check_result`); an update sends a sub-merchant back to CHECKING. The logo
//!   (52000) and the categories are not judged.
//! - `nontax_pay`: orders (`nontax_order`, 40097 unknown: the non-tax pages list no codes)
//!   placed unpaid by `unified_order` or paid at once by `micro_pay`, read by `get_order`
//!   (with `partial_refund_info`), listed for a notice with the one paid by
//!   `get_order_list`, refunded by `refund` in full or in part (`nontax_refund`, one per
//!   `refund_out_id`, never past the total; refunded in full, status 5, when they cover it).
//!   The user `pay_nontax_order` pays an order on its page. WeChat's notifications to the
//!   finance bureau and the commission are not sent; `notify_inconsistent_order` checks the
//!   order exists. A car park's stay (`parking_stay`, per plate) is kept from
//!   `notify_vehicle_entrance` until `apply_vehicle_pay` deducts it into a paid order (once;
//!   other scenes need no stay). Not yet declared: `download_bill` still answers its example
//!   statement, since steps build JSON answers and not the CSV text WeChat sends.
//! - `general_card`: the shared `code` (`spec/resources.toml`). `activate_general_card`
//!   activates a code a user holds with its card number and field values (again sets them
//!   again: no refusal is documented), `unactivate_general_card` clears the activation, and
//!   `update_general_card_user` sets the points, balance, background, field values and
//!   `can_give_friend` sent, answering the totals (`card_code/get_code` reads them back). A
//!   code nobody holds, or one not usable (redeemed, deleted, given away), answers 40056; the
//!   card's type is not checked, since the card union has no `GENERAL_CARD` yet.
//! - `ticket`: the shared `code` too. `check_in_boarding_pass` writes the check-in onto the
//!   passenger's code (`check_in`, `checked_in`; a second check-in replaces the first) and
//!   `is_cancel` marks it not checked in; `update_meeting_ticket` and `update_movie_ticket`
//!   write the seat, show and times onto the code (`ticket`), over what an earlier call wrote.
//!   A code nobody holds, or one not usable, answers 40056; no refusal of a repeated check-in
//!   or cancellation is documented, so none is made, and the card's type is not checked.
//!
//! Answering their example, since WeChat keeps nothing for them and their answer depends on
//! nothing said before: `sub_merchant/get_apply_protocol` (WeChat's category list),
//! `nontax_pay/query_fee` (the finance bureau's receivable), `nontax_pay/get_real_name` (the
//! user's real-name data), `nontax_pay/query_vehicle_state` (the driver's setting),
//! `nontax_pay/mock_notification` and `nontax_pay/mock_query_fee` (tests of a URL the mock
//! does not call); and, not yet declared, `nontax_pay/download_bill` (a CSV statement).
//!
//! `invoice/scan_title` (reads a QR code's text), `invoice/get_select_title_url` and
//! `invoice/get_user_title_url` (links to WeChat's own pages) and `platform/get_platform_url`
//! (the platform's fixed link) answer their example too: each says why in a `notes` line of
//! its spec.
//!
//! # What is Rust and why
//!
//! Every other operation answers from the state its spec declares, except these, whose rule no
//! step can declare:
//!
//! | operation | why it is Rust |
//! |---|---|
//! | `token/get_stable_access_token`, `token/get_access_token` | issuing and checking access tokens (`tokens`): credentials, expiry, force refresh |
//! | `token/get_component_access_token`, `token/get_authorizer_access_token` | issuing a third-party platform's tokens from its verify ticket and refresh tokens (`platform_tokens`) |
//! | `platform/set_pdf` | judging a multipart upload's PDF bytes and keeping the file (`media`), answering its id above 2^53 |
//! | `platform/get_pdf` | serving the kept file at a link valid two hours (72031 for an unknown id) |
//!
//! What the steps themselves cannot say is in their library of functions
//! (`engine/library.rs`), each with the reason: `now()` (the clock), `appid()` (the account
//! called for), `fresh(..)` (random ids), `card_validity(card, at)` (calendar arithmetic over a
//! card's three kinds of `date_info`), `encrypt_code`/`decrypt_code` (WeChat encrypts codes
//! with a key only it holds; the mock's reversible encoding stands in), `sum`, `difference`,
//! `min`, `max` and `number` (the expressions compare but do not compute), `without` (set
//! difference), `object` and `append` (building values), `date` and `beijing_time` (calendar
//! arithmetic on days and Beijing times).
//!
//! # Admin routes
//!
//! Under `/__mock/`, for tests in other languages and for demos: what users and WeChat's review
//! do (the spec's user actions, `/__mock/user/<group>/<name>`: authorize an invoice order,
//! approve and take cards, pay a gift-card order...), hold and read records, inject faults,
//! expire tokens, read request counts, and read the spec as an OpenAPI 3.1 document
//! (`GET /__mock/openapi.json`). The list is in the README and in the `admin` module's source.
//!
//! # Connections
//!
//! The server drives hyper's HTTP/1 connections itself, so that idle or slow clients cannot
//! hold it:
//!
//! - a request's head (request line and headers) must arrive within
//!   [`MockConfig::header_timeout`] (10 s) of connecting, or, on a kept-alive connection, of
//!   the first byte of its next request; a connection that sends nothing or drips its
//!   headers is closed without an answer;
//! - a kept-alive connection idle for [`MockConfig::idle_timeout`] (30 s) after an answer is
//!   closed, and so is one whose client has stopped reading an answer for that long;
//! - reading a request's body may take [`MockConfig::body_timeout`] (30 s) in all, from the
//!   handler's first read: a slower body, or one a `Content-Length` promised that never
//!   comes, is answered `408 Request Timeout` with `Connection: close`;
//! - at most [`MockConfig::max_connections`] are open at once, by default as many as the
//!   process's open file limit leaves room for: the limit less 64, or half of it, whichever
//!   is more (4,096 where there is no limit to read). At the cap a new connection is taken
//!   when an idle one (no request in flight, nothing left to send) can be closed for it, the
//!   one idle longest; with none idle, new connections wait. If the process runs out of
//!   descriptors anyway, the oldest idle connection is closed and the listener backs off
//!   (10 ms doubling to 1 s) instead of stalling.
//!
//! A request in flight has no bound but its body's, so a latency fault holds it as long as
//! a test asks. [`MockServer::shutdown`] closes idle and half-sent connections at once and
//! lets requests in flight finish and their answers go out.

// docs.rs (which passes `--cfg docsrs`) marks every item behind a feature with it.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod admin;
mod answer;
mod answers;
mod api;
mod arrange;
mod component_endpoints;
mod config;
mod connections;
mod declared;
mod download;
mod engine;
mod faults;
mod flow;
mod media;
mod platform_tokens;
mod push_events;
mod pushes;
mod requests;
mod routes;
mod sample;
mod sample_files;
mod server;
mod serving;
mod spec_model;
pub mod spec_table;
mod state;
mod state_model;
mod token_endpoints;
mod token_requests;
mod tokens;
mod typed_faults;
mod upload;
#[cfg(test)]
mod user_action_examples;
pub mod validate;

// Generated by `cargo xtask codegen` and formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
mod generated;

pub use answers::Answers;
pub use arrange::{ArrangeError, Arranged};
pub use config::{
    DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_LISTEN, DEMO_APPID,
    DEMO_SECRET, MockConfig,
};
pub use declared::UserActionError;
pub use engine::SeedError;
pub use faults::{Fault, FaultError, FaultKind, Faults};
pub use generated::{records, user_actions};
pub use media::{DEFAULT_MEDIA_MAX_AGE, DEFAULT_MEDIA_MAX_BYTES, Media, PDF_URL_LIFETIME, StoredFile};
pub use platform_tokens::{PlatformToken, PlatformTokens};
pub use pushes::{Attempt, Delivery, Outcome, PUSH_LOG_CAPACITY, PushTarget, Pushes};
pub use requests::{LoggedRequest, REQUEST_LOG_CAPACITY, RequestCounts};
pub use sample::{sample_object, sample_request};
pub use sample_files::{sample_pdf, sample_upload};
pub use server::{MockError, MockServer};
pub use serving::{AnswerSource, answer_source};
pub use state_model::{Record, UserActionParams};
pub use token_requests::TokenRequests;
pub use tokens::{TokenCheck, Tokens};
pub use typed_faults::On;
