//! The invoice flow end to end, against a local wechat-mock: no credentials needed.
//!
//! ```text
//! cargo run -p wechat-card --example quickstart
//! ```
//!
//! It starts the mock in-process, gets an access token through `/cgi-bin/stable_token` and the
//! card api_ticket, creates the fiscal e-bill card template, gets the order's authorization
//! link, has the user authorize it (the mock plays the user), receives the
//! `user_authorize_invoice` event the mock pushes (signed and encrypted, as WeChat pushes it)
//! on an axum route of its own, uploads the bill's PDF (setpdf) and inserts the fiscal e-bill
//! with it, shows a repeated insert refused with its typed error, and refuses another order.
//! The mock keeps what WeChat keeps: each step answers from what the ones before did.
//!
//! With `WECHAT_APPID` and `WECHAT_SECRET` set it talks to WeChat instead (or to
//! `WECHAT_BASE_URL`), skipping the step only the mock can do (authorizing as the user);
//! `WECHAT_S_PAPPID`, `WECHAT_ORDER_ID`, `WECHAT_CARD_ID` name the order and the card template
//! (created here only on the mock), and `WECHAT_PDF_FILE` the bill's PDF (a one-page PDF made
//! here otherwise). A real server pushes events to the account's configured URL, not to this
//! process, so there the authorization is read with getauthdata instead; each step prints
//! what WeChat answered, errors included.

#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use wechat_card::events::{Event, Push, UserAuthorizeInvoice};
use wechat_card::invoice::{GetAuthDataErrorCode, GetAuthDataRequest, RejectInsertRequest};
use wechat_card::nontax::create_bill_card::{BillBaseInfo, BillTemplate};
use wechat_card::nontax::insert_bill::{CardExt, InvoiceUserData, UserCard};
use wechat_card::nontax::{CreateBillCardRequest, GetBillAuthUrlRequest, InsertBillRequest};
use wechat_card::platform::SetPdfRequest;
use wechat_card::token::GetCardApiTicketRequest;
use wechat_card::types::AuthSource;
use wechat_card::wechat_core::push::{PushError, Receiver};
use wechat_card::wechat_core::{self, Secret, StableToken, TokenProvider, UploadFile};
use wechat_card::{Client, Code, ErrorCode};
use wechat_mock::user_actions::invoice::AuthorizeInvoiceParams;
use wechat_mock::{MockConfig, MockError, MockServer, PushTarget, UserActionError};

/// What stops the walkthrough: one variant per source of failure, each converted by `?`.
/// Every WeChat call, whichever operation, fails with the one `wechat_card::Error`.
#[derive(Debug)]
enum Failure {
    /// A WeChat call failed.
    WeChat(wechat_card::Error),
    /// The client's configuration cannot work.
    Setup(wechat_core::BuildError),
    /// No access token could be had.
    Token(wechat_core::TokenError),
    /// The in-process mock could not start or stop.
    Mock(MockError),
    /// The mock refused to authorize the order as the user.
    Authorize(UserActionError),
    /// The callback's receiver could not be set up (an EncodingAESKey that is no key).
    Push(PushError),
    /// The callback's listener on 127.0.0.1 could not start.
    Callback(std::io::Error),
    /// The PDF `WECHAT_PDF_FILE` names could not be read.
    Pdf { path: String, source: std::io::Error },
    /// The mock answered a call other than the flow expects.
    Unexpected(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::WeChat(e) => write!(f, "WeChat call failed: {e}"),
            Self::Setup(e) => write!(f, "client set-up: {e}"),
            Self::Token(e) => write!(f, "access token: {e}"),
            Self::Mock(e) => write!(f, "wechat-mock: {e}"),
            Self::Authorize(e) => write!(f, "authorizing the order on the mock: {e}"),
            Self::Push(e) => write!(f, "push event: {e}"),
            Self::Callback(e) => write!(f, "the events callback: {e}"),
            Self::Pdf { path, source } => write!(f, "WECHAT_PDF_FILE {path}: {source}"),
            Self::Unexpected(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::WeChat(e) => Some(e),
            Self::Setup(e) => Some(e),
            Self::Token(e) => Some(e),
            Self::Mock(e) => Some(e),
            Self::Authorize(e) => Some(e),
            Self::Push(e) => Some(e),
            Self::Callback(e) => Some(e),
            Self::Pdf { source, .. } => Some(source),
            Self::Unexpected(_) => None,
        }
    }
}

impl From<wechat_card::Error> for Failure {
    fn from(e: wechat_card::Error) -> Self {
        Self::WeChat(e)
    }
}

/// Each operation's own error, so `?` works on a call directly: it goes through the
/// crate-wide `wechat_card::Error`, which every operation's error converts into.
impl<C> From<wechat_core::Error<C>> for Failure
where
    C: ErrorCode,
    wechat_card::Error: From<wechat_core::Error<C>>,
{
    fn from(e: wechat_core::Error<C>) -> Self {
        Self::WeChat(e.into())
    }
}

impl From<wechat_core::BuildError> for Failure {
    fn from(e: wechat_core::BuildError) -> Self {
        Self::Setup(e)
    }
}

impl From<wechat_core::TokenError> for Failure {
    fn from(e: wechat_core::TokenError) -> Self {
        Self::Token(e)
    }
}

impl From<MockError> for Failure {
    fn from(e: MockError) -> Self {
        Self::Mock(e)
    }
}

impl From<PushError> for Failure {
    fn from(e: PushError) -> Self {
        Self::Push(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Self::Callback(e)
    }
}

impl From<UserActionError> for Failure {
    fn from(e: UserActionError) -> Self {
        Self::Authorize(e)
    }
}

/// The callback's settings on WeChat's side (服务器配置: Token and EncodingAESKey), shared
/// here by the mock and the receiver.
const PUSH_TOKEN: &str = "quickstart-push-token";
const PUSH_AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

/// The events the callback received, typed.
type Events = mpsc::UnboundedReceiver<Event>;

/// Where the calls go.
enum Target {
    /// The in-process mock, with its demo account, pushing events to `Events`.
    Mock(MockServer, Events),
    /// A real server, with the caller's account.
    Remote { base_url: String, appid: String, secret: Secret },
}

impl Target {
    async fn from_env() -> Result<Self, Failure> {
        match (std::env::var("WECHAT_APPID"), std::env::var("WECHAT_SECRET")) {
            (Ok(appid), Ok(secret)) if !appid.is_empty() && !secret.is_empty() => {
                let base_url = std::env::var("WECHAT_BASE_URL")
                    .unwrap_or_else(|_| wechat_core::DEFAULT_BASE_URL.to_owned());
                Ok(Self::Remote { base_url, appid, secret: Secret::new(secret) })
            }
            _ => {
                let config = MockConfig::demo();
                let (url, events) = receive_events(&config.appid).await?;
                let push = PushTarget::new(url, &Secret::new(PUSH_TOKEN))
                    .aes_key(&Secret::new(PUSH_AES_KEY), &config.appid)?;
                Ok(Self::Mock(MockServer::start(config.push(push)).await?, events))
            }
        }
    }

    fn base_url(&self) -> &str {
        match self {
            Self::Mock(mock, _) => mock.base_url(),
            Self::Remote { base_url, .. } => base_url,
        }
    }

    fn credentials(&self) -> (&str, &Secret) {
        match self {
            Self::Mock(mock, _) => (&mock.config().appid, &mock.config().secret),
            Self::Remote { appid, secret, .. } => (appid, secret),
        }
    }

    fn is_mock(&self) -> bool {
        matches!(self, Self::Mock(..))
    }
}

/// The application's callback URL, served in-process on 127.0.0.1: the axum route verifies
/// each push's signature, decrypts it, reads it into its event and answers `success` once the
/// callback returns `()`. (`wechat_card::events::route` is the same route, with the cargo
/// feature `events-axum`.)
async fn receive_events(appid: &str) -> Result<(String, Events), Failure> {
    let receiver = Receiver::new(PUSH_TOKEN).aes_key(&Secret::new(PUSH_AES_KEY), appid)?;
    let (sent, events) = mpsc::unbounded_channel();
    let route = wechat_core::push::axum::typed_route(receiver, move |push: Push| {
        let sent = sent.clone();
        async move {
            let _ = sent.send(push.event);
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/wechat/events", listener.local_addr()?);
    let app = axum::Router::new().route("/wechat/events", route);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((url, events))
}

/// The next `user_authorize_invoice` the callback receives (other events are printed).
async fn authorization(events: &mut Events) -> Result<UserAuthorizeInvoice, Failure> {
    let next = async {
        while let Some(event) = events.recv().await {
            match event {
                Event::UserAuthorizeInvoice(authorized) => return Ok(authorized),
                other => println!("   (received {:?})", other.kind()),
            }
        }
        Err(Failure::Unexpected("the callback stopped".to_owned()))
    };
    tokio::time::timeout(Duration::from_secs(10), next)
        .await
        .map_err(|_| Failure::Unexpected("no user_authorize_invoice within 10 s".to_owned()))?
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_owned())
}

/// The bill's PDF: the file `WECHAT_PDF_FILE` names, or a one-page PDF of the bill.
fn bill_pdf(billing_no: &str) -> Result<UploadFile, Failure> {
    match std::env::var("WECHAT_PDF_FILE").ok().filter(|p| !p.is_empty()) {
        Some(path) => {
            let bytes = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                Err(source) => return Err(Failure::Pdf { path, source }),
            };
            let name = std::path::Path::new(&path)
                .file_name()
                .map_or_else(|| "bill.pdf".to_owned(), |n| n.to_string_lossy().into_owned());
            Ok(UploadFile::new(name, bytes))
        }
        None => Ok(UploadFile::new(
            format!("bill-{billing_no}.pdf"),
            wechat_mock::sample_pdf(&format!("Fiscal e-bill {billing_no}: 123.00 CNY")),
        )),
    }
}

/// Against the mock every step must go as planned, so a failed call fails the walkthrough
/// (`?` into `Failure` through `wechat_card::Error`); against a real server the answer is
/// printed whatever it is, since the order usually is not authorized there.
fn tolerated(target: &Target, error: wechat_card::Error) -> Result<(), Failure> {
    if target.is_mock() {
        return Err(error.into());
    }
    println!("   WeChat answered: {error}");
    Ok(())
}

/// A call that succeeded where the flow expects WeChat to refuse it.
fn unexpected(target: &Target, step: &str, what: impl std::fmt::Display) -> Result<(), Failure> {
    if target.is_mock() {
        return Err(Failure::Unexpected(format!("{step}: unexpected answer from the mock: {what}")));
    }
    println!("   WeChat answered: {what}");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let mut target = Target::from_env().await?;
    // Owned: the mock's events are received through `target` further down.
    let (appid, secret) = target.credentials();
    let (appid, secret) = (appid.to_owned(), secret.clone());
    match &target {
        Target::Mock(mock, _) => println!(
            "0. Started wechat-mock at {} (demo account {appid}; no credentials needed), pushing \
             events to this process",
            mock.base_url()
        ),
        Target::Remote { base_url, .. } => {
            println!("0. Talking to {base_url} as {appid} (WECHAT_APPID and WECHAT_SECRET are set)")
        }
    }

    let tokens = Arc::new(StableToken::new(&appid, secret));
    let core = wechat_core::Client::builder()
        .base_url(target.base_url())
        .shared_token_provider(Arc::clone(&tokens) as Arc<dyn TokenProvider>)
        .build()?;
    tokens.fetch(core.http_context()).await?;
    println!("1. Got an access token through POST /cgi-bin/stable_token (never printed)");
    let client = Client::new(core);

    let s_pappid = env_or("WECHAT_S_PAPPID", "wxquickstart_pappid");
    let order_id = env_or("WECHAT_ORDER_ID", "quickstart-order-1");

    // The card api_ticket every authorization link needs; WeChat hands out the same one
    // until it expires, so a real application caches it.
    let ticket = match client.token().get_card_api_ticket(&GetCardApiTicketRequest::new()).await {
        Ok(ticket) => {
            println!("2. Got the card api_ticket (valid {} s, never printed)", ticket.expires_in);
            ticket.ticket.expose().to_owned()
        }
        Err(e) => {
            tolerated(&target, e.into())?;
            String::new()
        }
    };

    // The fiscal e-bill card template every bill names: made here on the mock, named by
    // WECHAT_CARD_ID on a real server (where a template is made once, not per run).
    let card_id = match std::env::var("WECHAT_CARD_ID").ok().filter(|v| !v.is_empty()) {
        Some(card_id) => card_id,
        None if target.is_mock() => {
            let template = BillTemplate::builder()
                .payee("Quickstart Finance Bureau")
                .base_info(BillBaseInfo::new("http://mmbiz.qpic.cn/mmbiz/quickstart/0"))
                .build()?;
            let created = client.nontax().create_bill_card(&CreateBillCardRequest::new(template)).await?;
            println!("3. createbillcard: the bill card template is {}", created.card_id);
            created.card_id
        }
        None => "pjZ8Yt7xiy3b9UfffRIA4Tm2xTnw".to_owned(),
    };

    let link = |order_id: &str| {
        GetBillAuthUrlRequest::builder()
            .s_pappid(&s_pappid)
            .order_id(order_id)
            .money(12_300)
            .timestamp(1_700_000_000)
            .source(AuthSource::Web)
            .redirect_url("https://example.com/invoiced")
            .ticket(&ticket)
            .build()
    };
    match client.nontax().get_bill_auth_url(&link(&order_id)?).await {
        Ok(url) => println!("4. getbillauthurl: the user authorizes order {order_id} at {}", url.auth_url),
        Err(e) => tolerated(&target, e.into())?,
    }

    match &mut target {
        Target::Mock(mock, events) => {
            mock.act(&AuthorizeInvoiceParams::builder().s_pappid(&s_pappid).order_id(&order_id).build()?)?;
            println!(
                "5. The user authorized order {order_id} on the link's page (mock only; with the \
                 binary: POST /__mock/user/invoice/authorize_invoice {{\"s_pappid\": ..., \"order_id\": ...}})"
            );
            let authorized = authorization(events).await?;
            if authorized.succ_order_id.as_deref() != Some(order_id.as_str()) {
                return Err(Failure::Unexpected(format!(
                    "the event names order {:?}, not {order_id}",
                    authorized.succ_order_id
                )));
            }
            println!(
                "6. Received user_authorize_invoice for order {order_id} from user {} (signature \
                 verified, decrypted, typed): no polling",
                authorized.header.from_user_name
            );
        }
        Target::Remote { .. } => {
            println!(
                "5. Skipping the mock-only step: on WeChat the user authorizes order {order_id} \
                 on the authorization page, and WeChat pushes the event to the account's URL"
            );
            let query = GetAuthDataRequest::builder().s_pappid(&s_pappid).order_id(&order_id).build()?;
            match client.invoice().get_auth_data(&query).await {
                Ok(auth) => println!("6. getauthdata: {} at {}", auth.invoice_status, auth.auth_time),
                Err(e) => tolerated(&target, e.into())?,
            }
        }
    }

    let billing_no = "2024001";
    let pdf = bill_pdf(billing_no)?;
    let pdf_size = pdf.len();
    let s_pdf_media_id = match client.platform().set_pdf(&SetPdfRequest::new(pdf)).await {
        Ok(uploaded) => {
            println!("7. setpdf: the bill's PDF ({pdf_size} bytes) is s_media_id {}", uploaded.s_media_id);
            uploaded.s_media_id
        }
        Err(e) => {
            tolerated(&target, e.into())?;
            env_or("WECHAT_S_PDF_MEDIA_ID", "s_pdf_media_id")
        }
    };

    let bill = InvoiceUserData::builder()
        .fee(12_300)
        .title("Quickstart Co.")
        .billing_time(1_700_000_000)
        .billing_no(billing_no)
        .billing_code("88888888")
        .s_pdf_media_id(&s_pdf_media_id)
        .build()?;
    let insert = InsertBillRequest::builder()
        .order_id(&order_id)
        .card_id(&card_id)
        .appid(appid)
        .card_ext(CardExt::new(UserCard::new(bill)))
        .build()?;
    match client.nontax().insert_bill(&insert).await {
        Ok(inserted) => println!(
            "8. insertbill with s_pdf_media_id {s_pdf_media_id}: bill {} is in the card package of {}",
            inserted.code, inserted.openid
        ),
        Err(e) => tolerated(&target, e.into())?,
    }

    match client.nontax().insert_bill(&insert).await {
        Ok(inserted) => unexpected(&target, "insertbill again", format!("a second bill {}", inserted.code))?,
        // Converted to the crate-wide error, the code is the crate-wide `Code`: the same
        // `Code::BillingCodeAndNoRepeated` whichever operation answered 72042.
        Err(e) => {
            let e = wechat_card::Error::from(e);
            match e.code() {
                Some(code @ Code::BillingCodeAndNoRepeated) => {
                    println!("9. insertbill again: refused as WeChat refuses it: {code}")
                }
                _ => tolerated(&target, e)?,
            }
        }
    }

    let refused = env_or("WECHAT_REFUSED_ORDER_ID", "quickstart-order-2");
    if let Target::Mock(mock, _) = &target {
        // A second order, linked and authorized, that the merchant then refuses.
        client.nontax().get_bill_auth_url(&link(&refused)?).await?;
        mock.act(&AuthorizeInvoiceParams::builder().s_pappid(&s_pappid).order_id(&refused).build()?)?;
    }
    let reject = RejectInsertRequest::builder()
        .s_pappid(&s_pappid)
        .order_id(&refused)
        .reason("The goods were returned")
        .url("https://example.com/orders")
        .build()?;
    match client.invoice().reject_insert(&reject).await {
        Ok(_) => println!("10. rejectinsert: order {refused} refused; the user is told why"),
        Err(e) => tolerated(&target, e.into())?,
    }
    match client
        .invoice()
        .get_auth_data(&GetAuthDataRequest::builder().s_pappid(&s_pappid).order_id(&refused).build()?)
        .await
    {
        Ok(auth) => unexpected(&target, "getauthdata after rejectinsert", auth.invoice_status)?,
        // The operation's own error keeps its typed code enum.
        Err(e) => match e.api_code() {
            Some(code @ GetAuthDataErrorCode::BizRejectInsert) => {
                println!("11. getauthdata on the refused order: {code} (code {})", code.code())
            }
            _ => tolerated(&target, e.into())?,
        },
    }

    if let Target::Mock(mock, _) = target {
        let calls = mock.requests().snapshot();
        println!("12. Requests the mock served: {calls:?}");
        mock.shutdown().await?;
    }
    println!("Done.");
    Ok(())
}
