//! The token endpoints of spec/token/ over raw HTTP: the account's tokens, the third-party
//! platform's component and authorizer tokens (and what an authorizer token may call), the
//! card api_ticket, faults that name a token endpoint, and how `/__mock/operations` lists them.

use serde_json::{Value, json};
use wechat_mock::{DEMO_APPID, DEMO_SECRET, Fault, MockConfig, MockServer};

const COMPONENT_TOKEN: &str = "/cgi-bin/component/api_component_token";
const AUTHORIZER_TOKEN: &str = "/cgi-bin/component/api_authorizer_token";

struct Mock {
    server: MockServer,
    http: reqwest::Client,
}

impl Mock {
    async fn start() -> Self {
        let server = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
        Self { server, http: reqwest::Client::new() }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    async fn post(&self, path: &str, body: &Value) -> Value {
        let response = self.http.post(self.url(path)).body(body.to_string()).send().await.expect("answers");
        parse(&response.text().await.expect("a body"))
    }

    async fn get(&self, path: &str) -> Value {
        parse(&self.http.get(self.url(path)).send().await.expect("answers").text().await.expect("a body"))
    }

    async fn access_token(&self) -> String {
        let body = json!({"grant_type": "client_credential", "appid": DEMO_APPID, "secret": DEMO_SECRET});
        self.post("/cgi-bin/stable_token", &body).await["access_token"].as_str().expect("a token").to_owned()
    }

    async fn component_token(&self) -> String {
        let body = json!({"component_appid": "wxplatform", "component_appsecret": "s", "component_verify_ticket": "t"});
        let answer = self.post(COMPONENT_TOKEN, &body).await;
        assert!(answer.get("errcode").is_none(), "a token answer has no errcode, as WeChat's: {answer}");
        assert_eq!(answer["expires_in"], 7200, "{answer}");
        answer["component_access_token"].as_str().expect("a component token").to_owned()
    }

    async fn authorizer_token(&self, component: &str) -> Value {
        let body = json!({"component_appid": "wxplatform", "authorizer_appid": "wxaccount", "authorizer_refresh_token": "refresh-1"});
        self.post(&format!("{AUTHORIZER_TOKEN}?component_access_token={component}"), &body).await
    }
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn errcode(answer: &Value) -> i64 {
    answer["errcode"].as_i64().unwrap_or_else(|| panic!("no errcode in {answer}"))
}

#[tokio::test]
async fn a_platform_gets_a_component_token_then_authorizer_tokens_with_it() {
    let mock = Mock::start().await;
    let component = mock.component_token().await;
    assert_ne!(component, mock.component_token().await, "each call issues a new token");

    let answer = mock.authorizer_token(&component).await;
    assert!(answer.get("errcode").is_none(), "{answer}");
    assert_eq!(answer["expires_in"], json!(7200), "{answer}");
    // The refresh token rotates: the answer carries the next one, and the one sent is spent.
    let next = answer["authorizer_refresh_token"].as_str().expect("a refresh token");
    assert!(next.starts_with("MOCK_REFRESH_"), "{answer}");
    assert!(answer["authorizer_access_token"].as_str().is_some_and(|t| t.starts_with("MOCK_AUTHORIZER_")));
    assert_eq!(errcode(&mock.authorizer_token(&component).await), 61023, "refresh-1 was used already");
    assert_eq!(
        mock.server.token_requests().count(AUTHORIZER_TOKEN, "wxaccount"),
        2,
        "counted per authorizer"
    );
    assert_eq!(mock.server.token_requests().count(COMPONENT_TOKEN, "wxplatform"), 2, "counted per platform");

    let forged = mock.authorizer_token("forged").await;
    assert!(
        errcode(&forged) == 40001
            && forged["errmsg"].as_str().is_some_and(|m| m.starts_with("invalid credential"))
    );
    let account_token = mock.access_token().await;
    assert_eq!(
        errcode(&mock.authorizer_token(&account_token).await),
        40001,
        "an account token is no component token"
    );
    let missing = mock.post(AUTHORIZER_TOKEN, &json!({})).await;
    assert!(
        missing["errmsg"].as_str().is_some_and(|m| m.contains("[query.component_access_token] missing")),
        "{missing}"
    );
    let incomplete = mock.post(COMPONENT_TOKEN, &json!({"component_appid": "wxplatform"})).await;
    assert!(
        incomplete["errmsg"].as_str().is_some_and(|m| m.contains("[component_appsecret] missing")),
        "{incomplete}"
    );

    mock.post("/__mock/tokens/expire", &json!({})).await;
    assert_eq!(errcode(&mock.authorizer_token(&component).await), 42001);
}

#[tokio::test]
async fn an_authorizer_token_calls_what_third_parties_may_call() {
    let mock = Mock::start().await;
    let component = mock.component_token().await;
    let authorizer = mock.authorizer_token(&component).await["authorizer_access_token"]
        .as_str()
        .expect("a token")
        .to_owned();

    let auth = mock
        .post(
            &format!("/card/invoice/getauthdata?access_token={authorizer}"),
            &json!({"s_pappid": "p", "order_id": "o"}),
        )
        .await;
    assert_eq!(errcode(&auth), 72038, "past the token check, into the flow: {auth}");
    let ticket = mock.get(&format!("/cgi-bin/ticket/getticket?access_token={authorizer}&type=wx_card")).await;
    assert_eq!(errcode(&ticket), 0, "{ticket}");

    let scan = mock
        .post(&format!("/card/invoice/scantitle?access_token={authorizer}"), &json!({"scan_text": "x"}))
        .await;
    assert!(
        errcode(&scan) == 61024
            && scan["errmsg"].as_str().is_some_and(|m| m.starts_with("third-party call not allowed")),
        "scantitle is not open to third parties: {scan}"
    );
    let by_component = mock
        .post(
            &format!("/card/invoice/getauthdata?access_token={component}"),
            &json!({"s_pappid": "p", "order_id": "o"}),
        )
        .await;
    assert_eq!(errcode(&by_component), 40001, "a component token calls no account API");

    mock.server.platform_tokens().expire_now();
    let expired =
        mock.get(&format!("/cgi-bin/ticket/getticket?access_token={authorizer}&type=wx_card")).await;
    assert_eq!(errcode(&expired), 42001);
}

#[tokio::test]
async fn the_card_ticket_needs_a_valid_access_token() {
    let mock = Mock::start().await;
    let token = mock.access_token().await;
    let url = format!("/cgi-bin/ticket/getticket?access_token={token}&type=wx_card");
    let ticket = mock.get(&url).await;
    assert_eq!((errcode(&ticket), &ticket["expires_in"]), (0, &json!(7200)), "{ticket}");
    assert!(ticket["ticket"].as_str().is_some_and(|t| t.len() == 37), "{ticket}");
    assert_eq!(mock.get(&url).await["ticket"], ticket["ticket"], "the same ticket until it expires");
    let kept = mock.server.records("card_api_ticket");
    assert_eq!((kept.len(), &kept[0]["ticket"]), (1, &ticket["ticket"]));
    // Once it has expired, the next call gets a new one, valid for two hours again.
    let expired = json!({"ticket": ticket["ticket"], "expires_at": 1_000_000_000});
    mock.server.seed("card_api_ticket", expired).expect("a ticket record");
    let renewed = mock.get(&url).await;
    assert!(
        renewed["ticket"].as_str().is_some_and(|t| t.len() == 37) && renewed["ticket"] != ticket["ticket"]
    );
    let expires_at = mock.server.records("card_api_ticket")[0]["expires_at"].as_i64().unwrap_or_default();
    assert!(expires_at > 1_700_000_000 + 7_000, "{expires_at}");
    assert_eq!(errcode(&mock.get("/cgi-bin/ticket/getticket?type=wx_card").await), 41001);
    assert_eq!(errcode(&mock.get("/cgi-bin/ticket/getticket?access_token=forged&type=wx_card").await), 40001);
    let jsapi = mock.get(&format!("/cgi-bin/ticket/getticket?access_token={token}&type=jsapi")).await;
    assert_eq!(errcode(&jsapi), 40066, "only the wx_card ticket is in the spec: {jsapi}");
    mock.server.tokens().expire_now();
    let expired = mock.get(&format!("/cgi-bin/ticket/getticket?access_token={token}&type=wx_card")).await;
    assert_eq!(errcode(&expired), 42001);
}

#[tokio::test]
async fn token_endpoints_take_only_the_faults_that_name_them() {
    let mock = Mock::start().await;
    mock.server.faults().push(Fault::errcode(-1)).expect("a valid fault");
    assert!(
        !mock.access_token().await.is_empty(),
        "a fault for every operation leaves token endpoints alone"
    );
    mock.server.faults().push(Fault::errcode(45009).only("get_stable_access_token")).expect("a valid fault");
    mock.server.faults().push(Fault::http_status(503).only("get_access_token")).expect("a valid fault");
    let body = json!({"grant_type": "client_credential", "appid": DEMO_APPID, "secret": DEMO_SECRET});
    let refused = mock.post("/cgi-bin/stable_token", &body).await;
    assert!(
        errcode(&refused) == 45009
            && refused["errmsg"].as_str().is_some_and(|m| m.starts_with("reach max api daily quota limit"))
    );
    let classic =
        format!("/cgi-bin/token?grant_type=client_credential&appid={DEMO_APPID}&secret={DEMO_SECRET}");
    let response = mock.http.get(mock.url(&classic)).send().await.expect("answers");
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(mock.server.faults().pending().len(), 1, "the unnamed fault still waits for an API call");
}

#[tokio::test]
async fn the_operations_list_says_how_each_token_endpoint_is_answered() {
    let mock = Mock::start().await;
    let listed = mock.get("/__mock/operations").await;
    let operations = listed["operations"].as_array().cloned().unwrap_or_default();
    let entry = |name: &str| {
        operations
            .iter()
            .find(|op| op["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} is not listed"))
    };
    for (name, method, path, token, answers) in [
        ("get_stable_access_token", "POST", "/cgi-bin/stable_token", "none", "token_endpoint"),
        ("get_access_token", "GET", "/cgi-bin/token", "none", "token_endpoint"),
        ("get_component_access_token", "POST", COMPONENT_TOKEN, "none", "state"),
        ("get_authorizer_access_token", "POST", AUTHORIZER_TOKEN, "none", "state"),
        ("get_card_api_ticket", "GET", "/cgi-bin/ticket/getticket", "access_token", "state"),
    ] {
        let op = entry(name);
        assert_eq!(
            (
                op["group"].as_str(),
                op["method"].as_str(),
                op["path"].as_str(),
                op["token"].as_str(),
                op["answers"].as_str()
            ),
            (Some("token"), Some(method), Some(path), Some(token), Some(answers)),
            "{op}"
        );
        assert_eq!(op["stateful"], answers != "example", "{op}");
    }
    assert_eq!(
        entry("get_authorizer_access_token")["query"],
        json!([{"name": "component_access_token", "required": true}])
    );
    assert_eq!(entry("get_card_api_ticket")["fixed_query"], json!([{"name": "type", "value": "wx_card"}]));
    assert_eq!(
        entry("get_access_token")["fixed_query"],
        json!([{"name": "grant_type", "value": "client_credential"}])
    );
    assert_eq!(
        entry("get_stable_access_token")["fixed_body"],
        json!([{"name": "grant_type", "value": "client_credential"}])
    );
    assert_eq!(
        entry("set_pdf")["files"],
        json!([{"name": "pdf", "content_type": "application/pdf", "max_size": 10_485_760, "required": true}])
    );
}
