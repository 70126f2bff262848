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
//!    spec/README.md, "What the mock keeps": the invoice orders users authorize and merchants
//!    refuse, the account's invoice settings, fiscal e-bill and invoice card templates, bills,
//!    the invoices in users' card packages and their reimbursement status, cards; 72038 never
//!    authorized, 72035 refused, 72042 a repeated billing code and number...), from
//!    hand-written Rust where no step can say it (uploads: setpdf keeps the file and answers
//!    its `s_media_id` as a JSON number above 2^53, getpdf answers a `pdf_url` the mock serves
//!    the file at for two hours, or 72031 for an unknown id; platform tokens; cards, below),
//!    or the spec's success example for every other operation; an operation whose success is
//!    text (`response_body = "text"`, `/nontax/downloadbill`'s CSV statement) answers its
//!    example's text as `text/csv`, kept among the answers as a JSON string.
//!
//! # What is Rust and why
//!
//! Every operation of the invoice, platform, reimburse, nontax and token groups answers from
//! the state its spec declares, except these, whose rule no step can declare:
//!
//! | operation | why it is Rust |
//! |---|---|
//! | `token/get_stable_access_token`, `token/get_access_token` | issuing and checking access tokens (`tokens`): credentials, expiry, force refresh |
//! | `token/get_component_access_token`, `token/get_authorizer_access_token` | issuing a third-party platform's tokens from its verify ticket and refresh tokens (`platform_tokens`) |
//! | `platform/set_pdf` | judging a multipart upload's PDF bytes and keeping the file (`media`), answering its id above 2^53 |
//! | `platform/get_pdf` | serving the kept file at a link valid two hours (72031 for an unknown id) |
//!
//! and these, which answer their success example because WeChat keeps nothing for them and
//! their answer depends on nothing said before (each says so in a `notes` line of its spec):
//! `invoice/scan_title` (reads a QR code's text), `invoice/get_select_title_url` and
//! `invoice/get_user_title_url` (links to WeChat's own pages), `platform/get_platform_url` (the
//! platform's fixed link). What the state model itself cannot say is in its library of
//! functions (`engine/library.rs`: `now`, `fresh`, `beijing_time`, `encrypt_code`,
//! `decrypt_code`...), each with the reason.
//!
//! # Cards
//!
//! An endpoint whose spec declares `[mock]` (see spec/README.md) creates, reads, updates or
//! deletes a resource the mock keeps ([`Resources`]): `card/create_card` stores the card under
//! a fresh `card_id`, waiting for review, and `card/get_card` answers it with its id, status
//! and times, or 40073. What no table can declare is written in the `cards` module, keyed by
//! operation, reading the request fields WeChat names:
//!
//! | operation | reads | answers |
//! |---|---|---|
//! | `card/modify_stock` | `card_id`, `increase_stock_value`, `reduce_stock_value` | 40073 unknown card, 40122 stock below zero |
//! | `card_code/deposit_codes` | `card_id`, `code` (array) | `succ_code`, `duplicate_code`, `fail_code`; 40073 |
//! | `card_code/get_code` | `code`, `card_id`, `check_consume` | `card` (`card_id`, `begin_time`, `end_time`, `code`), `openid`, `can_consume`, `user_card_status`, and `bonus`/`balance` of member cards; 40056, and with `check_consume` (the default) 40099 redeemed, 40127 unavailable |
//! | `card_code/consume_code` | `code`, `card_id` | `card.card_id`, `openid`; 40056, 40099 the second time, 40127 |
//! | `card_code/set_code_unavailable` | `code`, `card_id` | 40056, 40099, 40127 |
//! | `card_code/decrypt_code` | `encrypt_code` | `code`; 40075 for one the mock did not issue |
//! | `member_card/update_member` | `code`, `card_id`, `bonus`, `add_bonus`, `balance`, `add_balance` | `result_bonus`, `result_balance`, `openid`; 47001 below zero |
//!
//! Those endpoints are stateful as soon as their spec files land. Review and users are the
//! mock's to play: [`Cards::approve`] (`POST /__mock/cards/approve`) and [`Cards::take`]
//! (`POST /__mock/cards/take`, answering the code and its `encrypt_code`).
//!
//! Error messages end in ` rid: …` as WeChat's do, so compare with `starts_with`.
//!
//! # Admin routes
//!
//! Under `/__mock/`, for tests in other languages and for demos: what users do (the spec's
//! user actions, such as authorizing an order), approve and take cards, hold records, inject
//! faults, expire tokens, read request counts. The list is in the README and in the
//! `admin` module's source.
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

mod admin;
mod answer;
mod answers;
mod api;
mod arrange;
mod card_codes;
mod cards;
mod component_endpoints;
mod config;
mod connections;
mod declared;
mod download;
// Until the engine answers operations (the wiring of issue 20), only seeding and the generated
// tests of user actions reach it.
#[cfg_attr(not(test), allow(dead_code))]
mod engine;
mod faults;
mod flow;
mod media;
mod platform_tokens;
mod push_events;
mod pushes;
mod requests;
mod resource_calls;
mod resources;
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
pub mod validate;

// Generated by `cargo xtask codegen` and formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
mod generated;

pub use answers::Answers;
pub use arrange::{ArrangeError, Arranged};
pub use cards::{
    CARD, CardCode, CardError, Cards, CodeError, CodeStatus, Deposited, MemberChange, Stock, StockError,
    TakeCard, VERIFY_OK,
};
pub use config::{DEFAULT_LISTEN, DEMO_APPID, DEMO_SECRET, MockConfig};
pub use connections::{DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT};
pub use declared::UserActionError;
pub use engine::SeedError;
pub use faults::{Fault, FaultError, FaultKind, Faults};
pub use generated::{records, user_actions};
pub use media::{DEFAULT_MEDIA_MAX_AGE, DEFAULT_MEDIA_MAX_BYTES, Media, PDF_URL_LIFETIME, StoredFile};
pub use platform_tokens::{PlatformToken, PlatformTokens};
pub use pushes::{Attempt, Delivery, Outcome, PUSH_LOG_CAPACITY, PushTarget, Pushes};
pub use requests::{LoggedRequest, REQUEST_LOG_CAPACITY, RequestCounts};
pub use resources::{Resource, ResourceError, Resources};
pub use sample::{sample_object, sample_request};
pub use sample_files::{sample_pdf, sample_upload};
pub use server::{MockError, MockServer};
pub use serving::{AnswerSource, answer_source};
pub use state_model::{Record, UserActionParams};
pub use token_requests::TokenRequests;
pub use tokens::{TokenCheck, Tokens};
pub use typed_faults::On;
