//! Every endpoint called through `wechat_card::Client` against wechat-mock, generated from the
//! spec into `generated/mock_calls.rs` by `cargo xtask codegen`, with the harness below.

// Generated and formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
#[path = "generated/mock_calls.rs"]
mod generated;

/// What every generated test uses: a mock, a client for it, and the steps of a call.
mod harness {
    use wechat_card::wechat_core::{self, ErrorCode as _};
    use wechat_mock::{AnswerSource, Arranged, MockConfig, MockServer};

    /// A fresh mock, and a client for it that never retries, so an injected code reaches
    /// the test as it is.
    pub(crate) struct Harness {
        pub(crate) mock: MockServer,
        pub(crate) client: ::wechat_card::Client,
    }

    impl Harness {
        pub(crate) async fn start() -> Self {
            let mock = MockServer::start(MockConfig::demo()).await.expect("the mock starts");
            let client = mock.client_builder().build().expect("a valid client");
            Self { mock, client }
        }

        /// Arranges a call of `operation` with the JSON body `example`, or with the
        /// mock's sample body when the spec has no request example.
        pub(crate) fn arrange(&self, operation: &str, example: Option<&str>) -> Arranged {
            let body = match example {
                Some(json) => serde_json::from_str(json).expect("the spec's example is JSON"),
                None => {
                    let op = ::wechat_mock::spec_table::operation(operation).expect("in the table");
                    serde_json::Value::Object(::wechat_mock::sample_request(op))
                }
            };
            self.mock.arrange(operation, &body).expect("the call can be arranged")
        }

        /// Has the mock hold the records an example's `given` declares (resource, record as
        /// JSON), parents first, before the call.
        pub(crate) fn seed(&self, records: &[(&str, &str)]) {
            for (resource, record) in records {
                let record = serde_json::from_str(record).expect("the spec's given record is JSON");
                if let Err(error) = self.mock.seed(resource, record) {
                    panic!("the mock holds a given {resource}: {error}");
                }
            }
        }

        /// The decoded answer to `request` must be the example's, or what the mock sent
        /// when its answer comes from state (an id, a token, a link).
        pub(crate) fn check<O: wechat_core::Operation>(
            &self,
            _request: &O,
            answer: &O::Response,
            example: &str,
        ) where
            O::Response: PartialEq + std::fmt::Debug,
        {
            let operation = &format!("{}/{}", O::ENDPOINT.group, O::ENDPOINT.name);
            let expected = match ::wechat_mock::answer_source(operation) {
                Some(AnswerSource::Example) => example.to_owned(),
                _ => self.mock.answers().last(operation).expect("the mock answered").to_string(),
            };
            let expected = wechat_core::decode_response::<O>(expected.as_bytes()).expect("decodes");
            assert_eq!(answer, &expected, "{operation}");
        }

        /// The next call of `request`'s operation fails with `code`, which must be the
        /// spec's `errcode` number.
        pub(crate) fn fail<O: wechat_core::Operation>(&self, _request: &O, code: O::ErrorCode, errcode: i64) {
            assert_eq!(code.code(), errcode, "{code:?} stands for {errcode}");
            self.mock.on::<O>().fail(code).expect("a valid fault");
        }
    }

    /// The request type holding the arranged body.
    pub(crate) fn request<T: serde::de::DeserializeOwned>(arranged: &Arranged) -> T {
        wechat_core::lenient::from_value(arranged.body.clone())
            .expect("the arranged body fits the request type")
    }

    /// The typed code of a WeChat error answer.
    pub(crate) fn code<T: std::fmt::Debug, C: wechat_core::ErrorCode>(
        result: Result<T, wechat_core::Error<C>>,
    ) -> C {
        match result {
            Ok(answer) => panic!("expected a WeChat error, got {answer:?}"),
            Err(error) => error.api_code().unwrap_or_else(|| panic!("expected a WeChat error, got {error}")),
        }
    }
}
