//! Delivering a sealed push to a receiver on 127.0.0.1, as WeChat does: the signed query on
//! the URL, the XML as the body.

use wechat_core::push::Push;

/// POSTs `push` to `url` and returns the answer; a connection failure fails the test.
pub async fn deliver(http: &reqwest::Client, url: &str, push: &Push) -> reqwest::Response {
    http.post(format!("{url}?{}", push.query.to_query_string()))
        .body(push.body.clone())
        .send()
        .await
        .expect("the receiver answers")
}
